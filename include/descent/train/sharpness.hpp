#pragma once
// The sharpness of the training loss, lambda_max (the largest eigenvalue of its Hessian in the
// weights), on a fixed probe batch: power iteration (objective/sharpness.hpp) on Hessian-vector
// products from central differences of gradients,
//   H v ~ (g(w + h v) - g(w - h v)) / (2 h),   h = eps^(1/3) (1 + ||w||)   (||v|| = 1),
// eps the machine epsilon of the model's scalar type (the step that balances truncation and
// rounding error of a central difference). The loss is the data loss plus the regularizer's R(W)
// when the trainer has one, in evaluation mode (no dropout). Estimating leaves the weights, the
// gradients and the model's mode exactly as they were, so training continues bit-identically.
// Gradient descent is stable near w when lr < 2 / lambda_max (the 2/L rule).
//
// SharpnessLogger estimates it when training begins and then every `every` optimizer steps
// (0: only at the start), and logs lambda_max and two_over_lambda_max = 2 / lambda_max beside lr:
// into the step's row of trainer.step_log() (a row of its own when no StepLogger wrote one) and
// the epoch's row (the last estimate).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "descent/objective/sharpness.hpp"
#include "descent/train/callback.hpp"
#include "descent/train/probe_batch.hpp"

namespace descent::train {

struct SharpnessOptions {
  std::int64_t max_iterations = 20;
  double tolerance = 1e-3;  // residual ||Hv - lambda v|| / |lambda| (lambda to ~tolerance^2)
  std::uint64_t seed = 0;
};

/// lambda_max of the trainer's loss on `batch` at the current weights.
template <class T>
objective::SharpnessEstimate estimate_sharpness(Trainer<T>& trainer, const ProbeBatch<T>& batch,
                                                const SharpnessOptions& options = {});

/// One estimate, where it was taken.
struct SharpnessRecord {
  std::int64_t step = 0;
  double lambda_max = 0;
  double stable_lr() const;  // 2 / lambda_max
};

/// "gradient descent is stable for lr < 2/lambda_max = ... (lambda_max = ... at step ...)": the
/// smallest 2/lambda_max of the records (the sharpest point seen); empty without a positive one.
std::string stable_lr_text(const std::vector<SharpnessRecord>& records);

template <class T>
class SharpnessLogger final : public Callback<T> {
 public:
  SharpnessLogger(ProbeBatch<T> batch, std::int64_t every, SharpnessOptions options = {})
      : batch_(std::move(batch)), every_(every), options_(options) {}
  std::string name() const override { return "sharpness"; }
  void on_train_begin(Trainer<T>& trainer) override;
  void on_batch_end(Trainer<T>& trainer) override;
  void on_epoch_end(Trainer<T>& trainer) override;

  /// Estimates at the current weights and records it (the last finite weights of a failing run).
  std::optional<SharpnessRecord> estimate_now(Trainer<T>& trainer);
  const std::vector<SharpnessRecord>& records() const { return records_; }

 private:
  ProbeBatch<T> batch_;
  std::int64_t every_;
  SharpnessOptions options_;
  std::vector<SharpnessRecord> records_;
};

extern template class SharpnessLogger<float>;
extern template class SharpnessLogger<double>;

}  // namespace descent::train
