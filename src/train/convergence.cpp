#include "descent/train/convergence.hpp"

#include <cmath>

#include <fmt/core.h>

#include "descent/core/error.hpp"
#include "descent/train/monitor.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train {

namespace {
nlohmann::json number(double v) {
  return std::isnan(v) ? nlohmann::json() : nlohmann::json(v);
}
double number(const nlohmann::json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}
}  // namespace

template <class T>
Convergence<T>::Convergence(ConvergenceOptions options) : options_(std::move(options)) {
  for (auto [key, v] : {std::pair{"train.grad_tol", options_.grad_tol},
                        {"train.loss_tol", options_.loss_tol},
                        {"train.param_tol", options_.param_tol}})
    if (!(v >= 0)) throw ConfigError("must be >= 0", key);
}

template <class T>
bool Convergence<T>::on_before_step(Trainer<T>& trainer) {
  if (options_.grad_tol > 0) last_grad_norm_ = trainer.params().grad_norm();
  return true;
}

template <class T>
void Convergence<T>::on_epoch_end(Trainer<T>& trainer) {
  if (options_.grad_tol > 0 && last_grad_norm_ < options_.grad_tol)
    trainer.stop(
        fmt::format("converged: gradient norm {} < {}", last_grad_norm_, options_.grad_tol));
  if (options_.loss_tol > 0) {
    const double loss =
        Monitor(options_.loss, Mode::min, 0).value(trainer.epoch_row(), "train.loss_tol");
    if (std::abs(loss - previous_loss_) < options_.loss_tol)
      trainer.stop(fmt::format("converged: |{} change| = {} < {}", options_.loss,
                               std::abs(loss - previous_loss_), options_.loss_tol));
    previous_loss_ = loss;
  }
  if (options_.param_tol > 0) {
    const auto w = trainer.params().values();
    if (!previous_params_.empty()) {
      double sq = 0;  // ||W_t - W_{t-1}||^2
      for (std::size_t i = 0; i < w.size(); ++i) {
        const double d = static_cast<double>(w[i]) - static_cast<double>(previous_params_[i]);
        sq += d * d;
      }
      if (std::sqrt(sq) < options_.param_tol)
        trainer.stop(
            fmt::format("converged: parameter change {} < {}", std::sqrt(sq), options_.param_tol));
    }
    previous_params_.assign(w.begin(), w.end());
  }
}

template <class T>
nlohmann::json Convergence<T>::state() const {
  return {{"last_grad_norm", number(last_grad_norm_)}, {"previous_loss", number(previous_loss_)}};
}

template <class T>
void Convergence<T>::load_state(const nlohmann::json& j) {
  try {
    last_grad_norm_ = number(j.at("last_grad_norm"));
    previous_loss_ = number(j.at("previous_loss"));
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError("missing or invalid state", "callbacks.convergence");
  }
}

template <class T>
std::vector<std::pair<std::string, std::vector<T>*>> Convergence<T>::buffers() {
  if (options_.param_tol <= 0) return {};
  return {{"convergence.previous_params", &previous_params_}};
}

template class Convergence<float>;
template class Convergence<double>;

}  // namespace descent::train
