#pragma once
// Tracer: runs an optimizer on an objective, one step at a time, and exposes the point
// after each step (x, f, ||grad f||, the lr of the step) — what `descent trace` prints. The point x
// is one tensor "x" of a Params<double>; the optimizer is built from a JSON spec (optim::make).
// Each step hands the optimizer a closure that evaluates f and its gradient at the current x, so
// closure-based optimizers (L-BFGS) work as well as the element-wise ones; Newton's method gets the
// function's analytic Hessian. Callers extend the loop around step() (a scheduler stepping after
// it). TracerOf<float> keeps the point and the optimizer in float (as torch's float32 path does);
// f and its gradient are evaluated in double at the float point and the gradient rounded to float.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/params.hpp"
#include "descent/objective/objective.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::objective {

template <class T>
class TracerOf {
 public:
  /// Starts at x0 (f.dimension() finite values, else ConfigError) with the optimizer `spec`
  /// ({"name": "adam", "lr": 0.01, ...}). Keeps a reference to f. ConfigError for "newton" on a
  /// function without an analytic Hessian.
  TracerOf(const Function& f, std::span<const double> x0, const nlohmann::json& spec);

  /// One optimizer step, then evaluates f and its gradient at the new point. Throws NumericalError
  /// naming the step if f or the gradient is not finite there (the run diverged); its hint is
  /// lr < 2/lambda_max at the start point when f has a Hessian (the 2/L rule).
  void step();

  /// Steps taken so far.
  std::int64_t steps() const { return steps_; }
  /// The current point, f and ||grad f||_2 there.
  std::span<const T> x() const { return params_.values(); }
  double value() const { return value_; }
  double grad_norm() const { return grad_norm_; }
  /// The learning rate (group 0) of the last step; before the first step, the current one.
  double lr() const { return lr_; }
  /// lambda_max, the largest eigenvalue of f's Hessian at the start point
  /// (objective/sharpness.hpp); none without an analytic Hessian.
  std::optional<double> start_sharpness() const { return start_sharpness_; }

  const Function& function() const { return f_; }
  Params<T>& params() { return params_; }
  optim::Optimizer<T>& optimizer() { return *optimizer_; }

 private:
  /// f(x) with its gradient written into params().grads().
  double evaluate();
  void check_finite() const;

  const Function& f_;
  Params<T> params_;
  std::unique_ptr<optim::Optimizer<T>> optimizer_;
  std::vector<double> x_double_, g_double_;  // float: the point and gradient in double
  std::int64_t steps_ = 0;
  double value_ = 0, grad_norm_ = 0, lr_ = 0;
  std::optional<double> start_sharpness_;
};

using Tracer = TracerOf<double>;

extern template class TracerOf<float>;
extern template class TracerOf<double>;

}  // namespace descent::objective
