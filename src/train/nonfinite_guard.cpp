#include "descent/train/nonfinite_guard.hpp"

#include <cmath>

#include <fmt/core.h>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train {

NonFinitePolicy parse_nonfinite_policy(const std::string& text) {
  if (text == "stop") return NonFinitePolicy::stop;
  if (text == "skip") return NonFinitePolicy::skip;
  throw_unknown("must be stop or skip, not '" + text + "'", text, {"stop", "skip"},
                "train.nonfinite");
}

template <class T>
std::string NonFiniteGuard<T>::hint(Trainer<T>& trainer) const {
  const std::string stable = sharpness_ ? stable_lr_text(sharpness_->records()) : "";
  if (stable.empty())
    return fmt::format("lower the learning rate (now {}) or clip gradients (--clip-norm 1)",
                       trainer.optimizer().lr(0));
  return fmt::format("{}; the lr is {}: lower it, or clip gradients (--clip-norm 1)", stable,
                     trainer.optimizer().lr(0));
}

namespace {
template <class T>
std::string position(Trainer<T>& trainer) {
  const auto& p = trainer.progress();
  return fmt::format("step {} (epoch {}, batch {})", p.step + 1, p.epoch + 1, p.batch + 1);
}
}  // namespace

template <class T>
bool NonFiniteGuard<T>::on_before_step(Trainer<T>& trainer) {
  const double loss = trainer.progress().batch_loss;
  const auto bad = trainer.params().first_nonfinite_grad();
  if (std::isfinite(loss) && !bad) return true;
  if (policy_ == NonFinitePolicy::skip) return false;
  const std::string what = bad ? fmt::format("non-finite gradient (loss {})", loss)
                               : fmt::format("non-finite loss {}", loss);
  const std::string where =
      position(trainer) + (bad ? ", tensor '" + trainer.params().tensor(*bad).name + "'" : "");
  throw NumericalError(what, where, hint(trainer));
}

template <class T>
void NonFiniteGuard<T>::on_batch_end(Trainer<T>& trainer) {
  if (!trainer.progress().stepped) return;
  if (trainer.optimizer().values_finite() == true) return;  // checked as the step stored them
  if (auto bad = trainer.params().first_nonfinite_value()) {
    auto p = trainer.progress();
    throw NumericalError("the step made parameters non-finite",
                         fmt::format("step {} (epoch {}, batch {}), tensor '{}'", p.step,
                                     p.epoch + 1, p.batch + 1, trainer.params().tensor(*bad).name),
                         hint(trainer));
  }
}

template class NonFiniteGuard<float>;
template class NonFiniteGuard<double>;

}  // namespace descent::train
