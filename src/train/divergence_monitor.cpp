#include "descent/train/divergence_monitor.hpp"

#include <cmath>

#include <fmt/format.h>

#include "descent/train/trainer.hpp"

namespace descent::train {

namespace {
/// A run of rises counts once the loss grew by half: a noisy plateau's average drifts up and down
/// by much less, a diverging loss grows geometrically.
constexpr double kRiseFactor = 1.5;
}  // namespace

template <class T>
void DivergenceMonitor<T>::on_train_begin(Trainer<T>&) {
  seen_ = rises_ = 0;
  average_ = 0;
  beta_power_ = 1;
}

template <class T>
void DivergenceMonitor<T>::on_batch_end(Trainer<T>& trainer) {
  const auto& p = trainer.progress();
  if (!p.stepped || !std::isfinite(p.step_loss)) return;
  last_finite_ = {p.step, p.step_loss};
  if (!warnings_.empty()) return;  // one warning per run
  // One optimizer step per epoch: the raw loss; else its debiased average.
  if (seen_ == 0) beta_ = p.batches_per_epoch <= trainer.options().accumulate ? 0.0 : 0.9;
  ++seen_;
  average_ = beta_ * average_ + (1 - beta_) * p.step_loss;
  beta_power_ *= beta_;  // beta^t
  const double s = average_ / (1 - beta_power_);
  if (seen_ > 1 && s > last_) {
    if (rises_++ == 0) rise_start_ = last_;
  } else {
    rises_ = 0;
  }
  const double first_best = best_;
  if (seen_ == 1 || s < best_) best_ = s;
  const double start = last_;
  last_ = s;
  if (options_.rise_steps > 0 && rises_ >= options_.rise_steps && s > kRiseFactor * rise_start_)
    warn(trainer, fmt::format("the loss rose for {} steps in a row (from {:.4g} to {:.4g})", rises_,
                              rise_start_, s));
  else if (options_.factor > 0 && seen_ > 1 && first_best > 0 && s > options_.factor * first_best)
    warn(trainer, fmt::format("the loss {:.4g} exceeds {}x its best {:.4g} (it was {:.4g} the "
                              "step before)",
                              s, options_.factor, first_best, start));
}

template <class T>
void DivergenceMonitor<T>::warn(Trainer<T>& trainer, std::string what) {
  const auto step = trainer.progress().step;
  std::string message = fmt::format("step {}: {}: diverging?", step, what);
  const std::string stable = sharpness_ ? stable_lr_text(sharpness_->records()) : "";
  message += stable.empty() ? fmt::format(" lower the learning rate (now {:.3g}) or clip gradients",
                                          trainer.optimizer().lr(0))
                            : fmt::format(" {}; lr is {:.3g}", stable, trainer.optimizer().lr(0));
  warnings_.push_back({step, std::move(message)});
  if (on_warning_) on_warning_(warnings_.back());
}

template class DivergenceMonitor<float>;
template class DivergenceMonitor<double>;

}  // namespace descent::train
