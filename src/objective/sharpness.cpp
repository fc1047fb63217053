#include "descent/objective/sharpness.hpp"

#include <cmath>
#include <limits>

#include "descent/core/error.hpp"
#include "descent/core/random.hpp"

namespace descent::objective {

double SharpnessEstimate::stable_lr() const {
  return lambda_max > 0 ? 2 / lambda_max : std::numeric_limits<double>::infinity();
}

namespace {
double dot(std::span<const double> a, std::span<const double> b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

struct Run {
  SharpnessEstimate estimate;
  double largest_image = 0;  // max_k ||(H + shift I) v_k||: a lower bound of the spectral radius
};

/// Power iteration on H + shift I from the unit vector v; the residual ||A v - lambda v|| falls as
/// |lambda_2 / lambda_1|^k, the error of the Rayleigh quotient as its square.
Run iterate(const HessianVectorProduct& hvp, double shift, std::vector<double> v,
            const PowerIterationOptions& o) {
  const std::size_t n = v.size();
  std::vector<double> av(n);
  Run run;
  auto& e = run.estimate;
  for (e.iterations = 1; e.iterations <= o.max_iterations; ++e.iterations) {
    hvp(v, av);
    for (std::size_t i = 0; i < n; ++i) av[i] += shift * v[i];
    const double lambda = dot(v, av);  // Rayleigh quotient, ||v|| = 1
    const double norm = std::sqrt(dot(av, av));
    if (!std::isfinite(lambda) || !std::isfinite(norm))
      throw NumericalError("a Hessian-vector product is not finite", "sharpness",
                           "estimate the sharpness where the loss and its gradient are finite");
    run.largest_image = std::max(run.largest_image, norm);
    e.lambda_max = lambda;
    double residual_sq = 0;  // ||A v - lambda v||^2
    for (std::size_t i = 0; i < n; ++i)
      residual_sq += (av[i] - lambda * v[i]) * (av[i] - lambda * v[i]);
    if (norm == 0 || std::sqrt(residual_sq) <= o.tolerance * std::abs(lambda)) {
      e.converged = true;
      break;
    }
    for (std::size_t i = 0; i < n; ++i) v[i] = av[i] / norm;
  }
  e.iterations = std::min(e.iterations, o.max_iterations);
  e.eigenvector = std::move(v);
  return run;
}

std::vector<double> random_unit(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> v(n);
  for (auto& x : v) x = standard_normal(rng);
  const double norm = std::sqrt(dot(v, v));
  for (auto& x : v) x /= norm;
  return v;
}
}  // namespace

SharpnessEstimate power_iteration(std::size_t n, const HessianVectorProduct& hvp,
                                  const PowerIterationOptions& o, std::span<const double> start) {
  if (n == 0) throw UsageError("power iteration over an empty space", "sharpness");
  if (o.max_iterations < 1 || !(o.tolerance > 0))
    throw UsageError("power iteration needs max_iterations >= 1 and tolerance > 0", "sharpness");
  std::vector<double> v;
  if (start.size() == n && dot(start, start) > 0) {
    v.assign(start.begin(), start.end());
    const double norm = std::sqrt(dot(v, v));
    for (auto& x : v) x /= norm;
  } else {
    v = random_unit(n, o.seed);
  }
  Run first = iterate(hvp, 0, std::move(v), o);
  // Done when the dominant eigenvalue is positive: converged, or (slow convergence) v nearly
  // aligned with it, v^T H v close to ||H v||.
  const double lambda = first.estimate.lambda_max;
  if (lambda >= 0 && (first.estimate.converged || lambda >= 0.9 * first.largest_image))
    return first.estimate;
  // The dominant eigenvalue is negative, or two of opposite sign have the same magnitude (the
  // iteration oscillates, v^T H v well below ||H v||): on H + s I with s >= the spectral radius
  // every eigenvalue is >= 0 and the largest algebraic one dominates.
  const double s = first.estimate.converged ? -first.estimate.lambda_max : first.largest_image;
  Run second = iterate(hvp, s, random_unit(n, o.seed + 1), o);
  second.estimate.lambda_max -= s;
  second.estimate.iterations += first.estimate.iterations;
  return second.estimate;
}

SharpnessEstimate sharpness(const Function& f, std::span<const double> x,
                            const PowerIterationOptions& options) {
  if (!f.has_hessian())
    throw UsageError("the function has no analytic Hessian", "sharpness",
                     "estimate it from finite differences of gradients instead");
  const std::size_t n = f.dimension();
  std::vector<double> h(n * n);
  f.hessian(x, h);
  return power_iteration(
      n,
      [&](std::span<const double> v, std::span<double> hv) {
        for (std::size_t i = 0; i < n; ++i)
          hv[i] = dot(std::span<const double>(h).subspan(i * n, n), v);
      },
      options);
}

}  // namespace descent::objective
