#pragma once
// Sharpness: lambda_max, the largest eigenvalue of the Hessian of a loss, estimated by power
// iteration on Hessian-vector products (no Hessian is ever formed):
//   v_{k+1} = H v_k / ||H v_k||,   lambda_k = v_k^T H v_k   (the Rayleigh quotient, ||v_k|| = 1).
// It converges to the eigenvalue of largest magnitude at the rate |lambda_2 / lambda_1|^(2k). When
// that one is negative (a saddle or a maximum), a second run on H - mu I (mu the negative one)
// finds the largest algebraic eigenvalue. Gradient descent on a quadratic with Hessian H is stable
// exactly when lr < 2 / lambda_max (the 2/L rule, L = lambda_max the gradient's Lipschitz
// constant); on a loss surface the same bound holds locally ("edge of stability").
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "descent/objective/objective.hpp"

namespace descent::objective {

/// Hv = H v for the Hessian H at a fixed point.
using HessianVectorProduct = std::function<void(std::span<const double> v, std::span<double> hv)>;

struct PowerIterationOptions {
  std::int64_t max_iterations = 100;
  double tolerance = 1e-10;  // stop when |lambda_k - lambda_{k-1}| <= tolerance * |lambda_k|
  std::uint64_t seed = 0;    // the random start vector
};

struct SharpnessEstimate {
  double lambda_max = 0;  // largest eigenvalue of H
  std::int64_t iterations = 0;
  bool converged = false;
  std::vector<double> eigenvector;  // unit vector; a warm start for the next estimate
  /// 2 / lambda_max: the largest stable lr of gradient descent; infinity when lambda_max <= 0.
  double stable_lr() const;
};

/// Power iteration on hvp over R^n, starting from `start` (when given and nonzero) or a seeded
/// random unit vector. H is assumed symmetric.
SharpnessEstimate power_iteration(std::size_t n, const HessianVectorProduct& hvp,
                                  const PowerIterationOptions& options = {},
                                  std::span<const double> start = {});

/// lambda_max of f's analytic Hessian at x (UsageError if f has none).
SharpnessEstimate sharpness(const Function& f, std::span<const double> x,
                            const PowerIterationOptions& options = {});

}  // namespace descent::objective
