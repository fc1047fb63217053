#pragma once
// DivergenceMonitor: watches the loss of every optimizer step and warns, while the run goes on,
// the first time it looks like diverging:
//   - the loss rose for `rise_steps` steps in a row (and by half over them: a noisy plateau's
//     average drifts by much less), or
//   - the loss exceeds `factor` times the best loss so far.
// With mini-batches the per-step loss is noisy, so both rules read its debiased exponential
// average  a_t = beta a_{t-1} + (1 - beta) loss_t,  s_t = a_t / (1 - beta^t)  (beta = 0.9); with
// one step per epoch (full batch) they read the raw loss (beta = 0). The warning names the step and
// the losses, and, when a SharpnessLogger runs, the lr that keeps gradient descent stable
// (2/lambda_max). A non-finite loss is the NonFiniteGuard's business, not a warning.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "descent/train/callback.hpp"
#include "descent/train/sharpness.hpp"

namespace descent::train {

struct DivergenceOptions {
  std::int64_t rise_steps = 10;  // 0 = off
  double factor = 10;            // 0 = off
};

struct DivergenceWarning {
  std::int64_t step = 0;
  std::string message;
};

template <class T>
class DivergenceMonitor final : public Callback<T> {
 public:
  /// `sharpness` (may be null, else outlives the monitor) gives the hint its 2/lambda_max;
  /// `on_warning` is called with each warning as it happens (the CLI prints it).
  DivergenceMonitor(DivergenceOptions options, const SharpnessLogger<T>* sharpness = nullptr,
                    std::function<void(const DivergenceWarning&)> on_warning = {})
      : options_(options), sharpness_(sharpness), on_warning_(std::move(on_warning)) {}
  std::string name() const override { return "divergence_monitor"; }
  void on_train_begin(Trainer<T>& trainer) override;
  void on_batch_end(Trainer<T>& trainer) override;

  const std::vector<DivergenceWarning>& warnings() const { return warnings_; }
  /// The last step whose loss was finite, and that loss (step 0: none yet).
  std::pair<std::int64_t, double> last_finite() const { return last_finite_; }

 private:
  void warn(Trainer<T>& trainer, std::string what);

  DivergenceOptions options_;
  const SharpnessLogger<T>* sharpness_;
  std::function<void(const DivergenceWarning&)> on_warning_;
  std::vector<DivergenceWarning> warnings_;
  std::pair<std::int64_t, double> last_finite_{0, 0.0};
  double beta_ = 0, beta_power_ = 1, average_ = 0, last_ = 0, best_ = 0, rise_start_ = 0;
  std::int64_t seen_ = 0, rises_ = 0;
};

extern template class DivergenceMonitor<float>;
extern template class DivergenceMonitor<double>;

}  // namespace descent::train
