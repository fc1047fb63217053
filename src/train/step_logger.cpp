#include "descent/train/step_logger.hpp"

#include <algorithm>
#include <cmath>

#include "descent/core/parallel.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train {

template <class T>
void StepLogger<T>::on_epoch_begin(Trainer<T>&) {
  sum_grad_norm_ = sum_ratio_ = 0;
  steps_ = 0;
}

template <class T>
bool StepLogger<T>::on_before_step(Trainer<T>& trainer) {
  grad_norm_ = trainer.params().grad_norm();
  lr_ = trainer.optimizer().lr(0);
  const auto w = trainer.params().values();
  before_.resize(w.size());
  std::copy(w.begin(), w.end(), before_.begin());
  return true;
}

template <class T>
void StepLogger<T>::on_batch_end(Trainer<T>& trainer) {
  const auto& p = trainer.progress();
  if (!p.stepped) return;
  const T* w = trainer.params().values().data();
  const T* w0 = before_.data();
  // ||W_t - W_{t-1}||^2 and ||W_{t-1}||^2, per fixed chunk (deterministic for any thread count).
  const double update_sq = parallel_sum(before_.size(), [&](std::size_t b, std::size_t e) {
    double s = 0;
    for (std::size_t i = b; i < e; ++i) {
      const double d = static_cast<double>(w[i]) - static_cast<double>(w0[i]);
      s += d * d;
    }
    return s;
  });
  const double param_sq = parallel_sum(before_.size(), [&](std::size_t b, std::size_t e) {
    double s = 0;
    for (std::size_t i = b; i < e; ++i)
      s += static_cast<double>(w0[i]) * static_cast<double>(w0[i]);
    return s;
  });
  const double ratio = param_sq > 0 ? std::sqrt(update_sq / param_sq) : 0.0;
  MetricRow row;
  row.set("epoch", static_cast<double>(p.epoch + 1));
  row.set("step", static_cast<double>(p.step));
  row.set("loss", p.step_loss);  // the mean over the step's accumulated batches
  if (trainer.regularizer()) row.set("reg_loss", p.reg_loss);
  row.set("lr", lr_);
  row.set("grad_norm", grad_norm_);
  row.set("update_ratio", ratio);
  trainer.step_log().push_back(std::move(row));
  sum_grad_norm_ += grad_norm_;
  sum_ratio_ += ratio;
  ++steps_;
}

template <class T>
void StepLogger<T>::on_epoch_end(Trainer<T>& trainer) {
  if (!steps_) return;
  const double n = static_cast<double>(steps_);
  trainer.epoch_row().set("grad_norm", sum_grad_norm_ / n);
  trainer.epoch_row().set("update_ratio", sum_ratio_ / n);
}

template class StepLogger<float>;
template class StepLogger<double>;

}  // namespace descent::train
