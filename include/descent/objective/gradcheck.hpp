#pragma once
// gradcheck: compares an analytic gradient with central finite differences, coordinate by
// coordinate, with the relative error
//   err_i = |a_i - n_i| / max(|a_i|, |n_i|, floor),   n_i = (f(x + h e_i) - f(x - h e_i)) / (2h),
// and reports the worst coordinates. The core form perturbs the values in place and calls a value
// functor, so it works on any buffer (a Params arena's values(), with a functor computing the
// loss).
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "descent/objective/objective.hpp"

namespace descent::objective {

struct GradcheckOptions {
  /// Step h; 0 picks h_i = cbrt(machine eps) * max(1, |x_i|), which balances the O(h^2) truncation
  /// error of the central difference against the rounding error of f (~eps*|f|/h).
  double step = 0;
  /// Floor of the denominator: where both gradients are below it the error is absolute / floor.
  double floor = 1e-6;
  /// How many of the worst coordinates to report.
  std::size_t worst = 5;
};

struct CoordinateError {
  std::size_t index;
  double analytic, numeric, error;
  double step = 0;  // the h of the central difference
};

struct GradcheckReport {
  double max_error = 0;
  /// The worst coordinates, largest error first.
  std::vector<CoordinateError> worst;

  bool ok(double tolerance) const { return max_error <= tolerance; }
  /// One line: "max relative error 2e-09; x[1]: analytic 3, numeric 3.000000006 (err 2e-09); ..."
  std::string describe() const;
};

/// A report from coordinate errors: the `keep` largest, sorted, and their maximum.
GradcheckReport merge_worst(std::vector<CoordinateError> errors, std::size_t keep);

/// Checks `analytic` (the gradient at x) against central differences of value(), which must read
/// x. Each x[i] is perturbed in place and restored exactly.
GradcheckReport gradcheck(std::span<double> x, std::span<const double> analytic,
                          const std::function<double()>& value,
                          const GradcheckOptions& options = {});

/// Checks an objective's gradient at x.
template <Objective F>
GradcheckReport gradcheck(const F& f, std::span<const double> x,
                          const GradcheckOptions& options = {}) {
  std::vector<double> point(x.begin(), x.end()), g(x.size());
  f.gradient(x, g);
  return gradcheck(
      point, g, [&] { return f.value(point); }, options);
}

/// Checks an objective's Hessian at x: row i against central differences of the i-th coordinate
/// of its gradient. The report indexes the entries row-major (i*n + j).
template <TwiceDifferentiable F>
GradcheckReport hessian_check(const F& f, std::span<const double> x,
                              const GradcheckOptions& options = {}) {
  const std::size_t n = f.dimension();
  std::vector<double> point(x.begin(), x.end()), g(n), h(n * n);
  f.hessian(x, h);
  GradcheckReport all;
  for (std::size_t i = 0; i < n; ++i) {
    auto gi = [&] {
      f.gradient(point, g);
      return g[i];
    };
    GradcheckReport row =
        gradcheck(point, std::span<const double>(h).subspan(i * n, n), gi, options);
    for (auto& e : row.worst) e.index += i * n;
    all.worst.insert(all.worst.end(), row.worst.begin(), row.worst.end());
  }
  return merge_worst(std::move(all.worst), options.worst);
}

}  // namespace descent::objective
