#pragma once
// EarlyStopping: stops training when the monitored metric has not improved (by more than min_delta,
// see Monitor) for `patience` consecutive epochs; with restore_best_weights the parameters of the
// best epoch are put back when training ends.
#include <vector>

#include "descent/train/callback.hpp"
#include "descent/train/monitor.hpp"

namespace descent::train {

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  std::string mode = "auto";
  std::int64_t patience = 5;
  double min_delta = 0;
  bool restore_best_weights = true;
};

template <class T>
class EarlyStopping final : public Callback<T> {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options);
  std::string name() const override { return "early_stopping"; }
  void on_epoch_end(Trainer<T>& trainer) override;
  void on_train_end(Trainer<T>& trainer) override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& j) override;
  std::vector<std::pair<std::string, std::vector<T>*>> buffers() override;

  const Monitor& monitor() const { return monitor_; }
  /// Whether this callback stopped the run.
  bool stopped() const { return stopped_; }

 private:
  EarlyStoppingOptions options_;
  Monitor monitor_;
  std::int64_t wait_ = 0;
  bool stopped_ = false;
  std::vector<T> best_weights_;
};

extern template class EarlyStopping<float>;
extern template class EarlyStopping<double>;

}  // namespace descent::train
