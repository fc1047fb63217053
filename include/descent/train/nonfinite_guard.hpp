#pragma once
// NonFiniteGuard: before every optimizer step checks the batch loss and the gradients for NaN/Inf
// (Params::first_nonfinite_grad), and after it the parameters. Policy "stop" throws NumericalError
// naming the step, the epoch and batch, the first offending tensor, and suggesting a lower lr
// (below 2/lambda_max when a SharpnessLogger measured the loss's sharpness) or gradient clipping;
// "skip" drops that step (the trainer counts it in skipped_steps) and goes on. Non-finite
// parameters always stop (a skipped step cannot undo them).
#include "descent/train/callback.hpp"
#include "descent/train/sharpness.hpp"

namespace descent::train {

enum class NonFinitePolicy { stop, skip };

/// "stop" | "skip"; ConfigError (did you mean) otherwise.
NonFinitePolicy parse_nonfinite_policy(const std::string& text);

template <class T>
class NonFiniteGuard final : public Callback<T> {
 public:
  /// `sharpness` (may be null, else outlives the guard) gives the hint its 2/lambda_max.
  explicit NonFiniteGuard(NonFinitePolicy policy, const SharpnessLogger<T>* sharpness = nullptr)
      : policy_(policy), sharpness_(sharpness) {}
  std::string name() const override { return "nonfinite_guard"; }
  bool on_before_step(Trainer<T>& trainer) override;
  void on_batch_end(Trainer<T>& trainer) override;

 private:
  std::string hint(Trainer<T>& trainer) const;

  NonFinitePolicy policy_;
  const SharpnessLogger<T>* sharpness_;
};

extern template class NonFiniteGuard<float>;
extern template class NonFiniteGuard<double>;

}  // namespace descent::train
