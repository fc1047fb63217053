#pragma once
// NonFiniteGuard: before every optimizer step checks the batch loss and the gradients for NaN/Inf
// (Params::first_nonfinite_grad), and after it the parameters. Policy "stop" throws NumericalError
// naming the step, the epoch and batch, the first offending tensor, and suggesting a lower lr or
// gradient clipping; "skip" drops that step (the trainer counts it in skipped_steps) and goes on.
// Non-finite parameters always stop (a skipped step cannot undo them).
#include "descent/train/callback.hpp"

namespace descent::train {

enum class NonFinitePolicy { stop, skip };

/// "stop" | "skip"; ConfigError (did you mean) otherwise.
NonFinitePolicy parse_nonfinite_policy(const std::string& text);

template <class T>
class NonFiniteGuard final : public Callback<T> {
 public:
  explicit NonFiniteGuard(NonFinitePolicy policy) : policy_(policy) {}
  std::string name() const override { return "nonfinite_guard"; }
  bool on_before_step(Trainer<T>& trainer) override;
  void on_batch_end(Trainer<T>& trainer) override;

 private:
  NonFinitePolicy policy_;
};

extern template class NonFiniteGuard<float>;
extern template class NonFiniteGuard<double>;

}  // namespace descent::train
