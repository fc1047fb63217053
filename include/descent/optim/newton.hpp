#pragma once
// Newton's method for small problems: each step solves with the dense Hessian of the objective,
// optionally damped in Levenberg's way, by a Cholesky factorization.
#include <functional>
#include <span>
#include <vector>

#include "descent/optim/single_group.hpp"

namespace descent::optim {

struct NewtonOptions {
  double lr = 1;
  double damping = 0;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "step length: x = x - lr * (H + damping I)^-1 g", options::at_least(0));
    v("damping", damping, "Levenberg damping lambda added to the Hessian's diagonal",
      options::at_least(0));
  }
};

/// Writes the Hessian of the objective at the current parameters: n*n, row-major, in the arena's
/// order of the parameters.
using HessianFn = std::function<void(std::span<double> hessian)>;

/// Newton's method with Levenberg damping:
///   (H + lambda I) p = g   (Cholesky, H + lambda I = L L^T),   x = x - lr p
/// The gradient is read from params().grads() as for the first-order optimizers; the Hessian
/// from the callback given to set_hessian(). When H + lambda I is not positive definite the step
/// is a NumericalError (a Newton step would not be a descent direction). One parameter group.
template <class T>
class Newton : public SingleGroupOptimizer<T, NewtonOptions> {
 public:
  using Options = NewtonOptions;
  static constexpr const char* kName = "newton";

  Newton(Params<T>& params, const Options& options = {});

  /// The Hessian callback (optim::make cannot pass one: set it before the first step).
  void set_hessian(HessianFn hessian) { hessian_ = std::move(hessian); }

  /// One Newton step from the gradient in params().grads(). UsageError without a Hessian.
  void step() override;
  /// Evaluates closure() for the gradient and steps. Without a Hessian callback the Hessian is
  /// taken by central differences of the closure's gradients (2n evaluations, see newton.cpp).
  double step(const Closure& closure) override;
  bool needs_closure() const override { return !hessian_; }

  StateDict<T> state_dict() const override;
  void load_state_dict(const StateDict<T>& state) override;

 private:
  /// Fills h_ by central differences of the closure's gradients.
  void finite_difference_hessian(const Closure& closure);
  /// Checks h_, solves (H + lambda I) p = g and moves the parameters: x = x - lr p.
  void update();
  using SingleGroupOptimizer<T, NewtonOptions>::options_;
  using SingleGroupOptimizer<T, NewtonOptions>::steps_;
  HessianFn hessian_;
  std::vector<double> h_;       // n*n row-major: the Hessian, then its Cholesky factor L (lower)
  std::vector<double> p_;       // the gradient, then the Newton step
  std::vector<T> g0_, g_plus_;  // finite differences: the gradient at x and at x + h e_j
};

extern template class Newton<float>;
extern template class Newton<double>;

}  // namespace descent::optim
