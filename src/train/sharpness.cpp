#include "descent/train/sharpness.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train {

template <class T>
objective::SharpnessEstimate estimate_sharpness(Trainer<T>& trainer, const ProbeBatch<T>& batch,
                                                const SharpnessOptions& options) {
  auto& params = trainer.params();
  const auto values = params.values();
  const auto grads = params.grads();
  const std::vector<T> w0(values.begin(), values.end()), g0(grads.begin(), grads.end());
  const EvalMode<T> eval(trainer.model());
  nn::Matrix<T> grad_output;
  const std::size_t n = w0.size();
  std::vector<double> g_plus(n);
  // g(w) of the probe batch's loss (+ R(W)) into `g`.
  auto gradient = [&](std::vector<double>& g) {
    params.zero_grad();
    const nn::Matrix<T>& out = trainer.model().forward(batch.x);
    trainer.loss().evaluate(out, batch.target, &grad_output);
    trainer.model().backward(grad_output);
    if (const auto* r = trainer.regularizer()) r->apply(params);
    std::copy(grads.begin(), grads.end(), g.begin());
  };
  double w_norm = 0;
  for (const T w : w0) w_norm += static_cast<double>(w) * static_cast<double>(w);
  const double h = std::cbrt(std::numeric_limits<T>::epsilon()) * (1 + std::sqrt(w_norm));
  auto hvp = [&](std::span<const double> v, std::span<double> hv) {
    std::vector<double> g_minus(n);
    for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<T>(w0[i] + h * v[i]);
    gradient(g_plus);
    for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<T>(w0[i] - h * v[i]);
    gradient(g_minus);
    for (std::size_t i = 0; i < n; ++i) hv[i] = (g_plus[i] - g_minus[i]) / (2 * h);
  };
  objective::SharpnessEstimate e;
  try {
    e = objective::power_iteration(n, hvp,
                                   {.max_iterations = options.max_iterations,
                                    .tolerance = options.tolerance,
                                    .seed = options.seed});
  } catch (...) {
    std::copy(w0.begin(), w0.end(), values.begin());
    std::copy(g0.begin(), g0.end(), grads.begin());
    throw;
  }
  std::copy(w0.begin(), w0.end(), values.begin());
  std::copy(g0.begin(), g0.end(), grads.begin());
  return e;
}

double SharpnessRecord::stable_lr() const {
  return lambda_max > 0 ? 2 / lambda_max : std::numeric_limits<double>::infinity();
}

std::string stable_lr_text(const std::vector<SharpnessRecord>& records) {
  const SharpnessRecord* sharpest = nullptr;
  for (const auto& r : records)
    if (r.lambda_max > 0 && (!sharpest || r.lambda_max > sharpest->lambda_max)) sharpest = &r;
  if (!sharpest) return "";
  return fmt::format(
      "gradient descent is stable for lr < 2/lambda_max = {:.3g} (lambda_max = "
      "{:.4g}, the loss's sharpness at step {})",
      sharpest->stable_lr(), sharpest->lambda_max, sharpest->step);
}

template <class T>
std::optional<SharpnessRecord> SharpnessLogger<T>::estimate_now(Trainer<T>& trainer) {
  if (batch_.rows() == 0) return std::nullopt;
  try {
    const auto e = estimate_sharpness(trainer, batch_, options_);
    records_.push_back({trainer.progress().step, e.lambda_max});
    return records_.back();
  } catch (const NumericalError&) {
    return std::nullopt;  // a loss surface that is not finite here has no sharpness to report
  }
}

template <class T>
void SharpnessLogger<T>::on_train_begin(Trainer<T>& trainer) {
  // Not twice at the same step: `descent train` estimates just before fit() for its start check,
  // and the estimate is deterministic (a seeded power iteration over the same weights and probe).
  if (!records_.empty() && records_.back().step == trainer.progress().step) return;
  estimate_now(trainer);
}

template <class T>
void SharpnessLogger<T>::on_batch_end(Trainer<T>& trainer) {
  const auto& p = trainer.progress();
  if (every_ <= 0 || !p.stepped || p.step % every_ != 0) return;
  const auto r = estimate_now(trainer);
  if (!r) return;
  auto& log = trainer.step_log();
  if (log.empty() || log.back().get("step") != static_cast<double>(p.step)) {
    MetricRow row;
    row.set("epoch", static_cast<double>(p.epoch + 1));
    row.set("step", static_cast<double>(p.step));
    row.set("lr", trainer.optimizer().lr(0));
    log.push_back(std::move(row));
  }
  log.back().set("lambda_max", r->lambda_max);
  if (r->lambda_max > 0) log.back().set("two_over_lambda_max", r->stable_lr());
}

template <class T>
void SharpnessLogger<T>::on_epoch_end(Trainer<T>& trainer) {
  if (every_ <= 0 || records_.empty()) return;
  const auto& r = records_.back();
  trainer.epoch_row().set("lambda_max", r.lambda_max);
  if (r.lambda_max > 0) trainer.epoch_row().set("two_over_lambda_max", r.stable_lr());
}

template objective::SharpnessEstimate estimate_sharpness(Trainer<float>&, const ProbeBatch<float>&,
                                                         const SharpnessOptions&);
template objective::SharpnessEstimate estimate_sharpness(Trainer<double>&,
                                                         const ProbeBatch<double>&,
                                                         const SharpnessOptions&);
template class SharpnessLogger<float>;
template class SharpnessLogger<double>;

}  // namespace descent::train
