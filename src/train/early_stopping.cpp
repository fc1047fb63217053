#include "descent/train/early_stopping.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "descent/core/error.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train {

template <class T>
EarlyStopping<T>::EarlyStopping(EarlyStoppingOptions options)
    : options_(std::move(options)),
      monitor_(options_.monitor, parse_mode(options_.mode, options_.monitor, "train.monitor_mode"),
               options_.min_delta) {
  if (options_.patience < 1) throw ConfigError("must be >= 1", "train.early_stopping");
}

template <class T>
void EarlyStopping<T>::on_epoch_end(Trainer<T>& trainer) {
  const double v = monitor_.value(trainer.epoch_row(), "train.monitor");
  if (monitor_.update(v, trainer.progress().epoch)) {
    wait_ = 0;
    if (options_.restore_best_weights) {
      const auto values = trainer.params().values();
      best_weights_.assign(values.begin(), values.end());
    }
    return;
  }
  if (++wait_ >= options_.patience) {
    stopped_ = true;
    trainer.stop(
        fmt::format("early stopping: {} did not improve for {} epochs (best {} at epoch {})",
                    monitor_.metric(), wait_, monitor_.best(), monitor_.best_epoch()));
  }
}

template <class T>
void EarlyStopping<T>::on_train_end(Trainer<T>& trainer) {
  if (!options_.restore_best_weights || best_weights_.empty()) return;
  if (monitor_.best_epoch() == trainer.progress().epoch) return;
  auto values = trainer.params().values();
  std::copy(best_weights_.begin(), best_weights_.end(), values.begin());
}

template <class T>
nlohmann::json EarlyStopping<T>::state() const {
  return {{"monitor", monitor_.state()}, {"wait", wait_}, {"stopped", stopped_}};
}

template <class T>
void EarlyStopping<T>::load_state(const nlohmann::json& j) {
  try {
    monitor_.load_state(j.at("monitor"));
    wait_ = j.at("wait").get<std::int64_t>();
    stopped_ = j.at("stopped").get<bool>();
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError("missing or invalid state", "callbacks.early_stopping");
  }
}

template <class T>
std::vector<std::pair<std::string, std::vector<T>*>> EarlyStopping<T>::buffers() {
  if (!options_.restore_best_weights) return {};
  return {{"early_stopping.best_weights", &best_weights_}};
}

template class EarlyStopping<float>;
template class EarlyStopping<double>;

}  // namespace descent::train
