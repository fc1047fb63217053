#pragma once
// Central finite differences for layer tests (double precision): L = sum(G .* f(x)) for a fixed
// random G, so dL/dY = G, and dL/dtheta ~ (L(theta + h) - L(theta - h)) / 2h.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>

#include "descent/nn/layer.hpp"

namespace descent::test {

using MatrixD = nn::Matrix<double>;

inline MatrixD random_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed,
                             double scale = 1) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  MatrixD m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = u(rng);
  return m;
}

/// Worst relative error |a - n| / max(|a|, |n|, floor) between analytic `grad` and central
/// differences of `objective` over the entries of `x` (which is perturbed in place and restored).
inline double worst_relative_error(double* x, std::size_t n, const double* grad,
                                   const std::function<double()>& objective, double h = 1e-6,
                                   double floor = 1e-8) {
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double saved = x[i];
    x[i] = saved + h;
    const double up = objective();
    x[i] = saved - h;
    const double down = objective();
    x[i] = saved;
    const double numeric = (up - down) / (2 * h);
    worst = std::max(worst, std::abs(grad[i] - numeric) /
                                std::max({std::abs(grad[i]), std::abs(numeric), floor}));
  }
  return worst;
}

}  // namespace descent::test
