#pragma once
// The test-function zoo: classic objectives for watching optimizers move, each with its analytic
// gradient and Hessian, its usual start point and its known global minima. Points are x = (x, y) in
// 2-D. Every type satisfies objective::TwiceDifferentiable; objective::make(name) builds them by
// name.
#include <cstddef>
#include <numbers>
#include <span>
#include <vector>

#include "descent/objective/objective.hpp"

namespace descent::objective {

/// f(x) = a*x^2 (1-D). Minimum f(0) = 0 when a > 0 (none when a <= 0).
struct Quadratic {
  double a = 1;

  std::size_t dimension() const { return 1; }
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;
  std::vector<double> start() const { return {1.0}; }
  std::vector<Minimum> minima() const;
};

/// f(x, y) = 0.5*(x^2 + k*y^2): condition number k (k > 0). Minimum f(0, 0) = 0.
struct IllConditionedQuadratic {
  double k;

  explicit IllConditionedQuadratic(double k = 10);
  std::size_t dimension() const { return 2; }
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;
  std::vector<double> start() const { return {1.0, 1.0}; }
  std::vector<Minimum> minima() const { return {{{0.0, 0.0}, 0.0}}; }
};

/// f(x, y) = x^2 - y^2: a saddle point at the origin, unbounded below, no minimum.
struct Saddle {
  std::size_t dimension() const { return 2; }
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;
  std::vector<double> start() const { return {1.0, 1e-3}; }
  std::vector<Minimum> minima() const { return {}; }
};

/// f(x, y) = (1-x)^2 + 100*(y-x^2)^2. Minimum f(1, 1) = 0 at the end of a curved flat valley.
struct Rosenbrock {
  std::size_t dimension() const { return 2; }
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;
  std::vector<double> start() const { return {-1.2, 1.0}; }
  std::vector<Minimum> minima() const { return {{{1.0, 1.0}, 0.0}}; }
};

/// f(x, y) = (x^2+y-11)^2 + (x+y^2-7)^2. Four minima, all f = 0 (roots of both squares, found by
/// Newton's method in 40-digit arithmetic and rounded to double):
///   (3, 2), (-2.805118086952745, 3.131312518250573),
///   (-3.779310253377747, -3.2831859912861696), (3.5844283403304917, -1.8481265269644036).
struct Himmelblau {
  std::size_t dimension() const { return 2; }
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;
  std::vector<double> start() const { return {0.0, 0.0}; }
  std::vector<Minimum> minima() const;
};

/// f(x, y) = (1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2. Minimum f(3, 0.5) = 0.
struct Beale {
  std::size_t dimension() const { return 2; }
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;
  std::vector<double> start() const { return {1.0, 1.0}; }
  std::vector<Minimum> minima() const { return {{{3.0, 0.5}, 0.0}}; }
};

/// f(x, y) = (x+2y-7)^2 + (2x+y-5)^2. Minimum f(1, 3) = 0.
struct Booth {
  std::size_t dimension() const { return 2; }
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;
  std::vector<double> start() const { return {0.0, 0.0}; }
  std::vector<Minimum> minima() const { return {{{1.0, 3.0}, 0.0}}; }
};

/// f(x) = A*n + sum_i (x_i^2 - A*cos(2*pi*x_i)), A = 10, n >= 1: a lattice of local minima around
/// the global minimum f(0) = 0.
struct Rastrigin {
  static constexpr double A = 10;
  std::size_t n;

  explicit Rastrigin(std::size_t n = 2);
  std::size_t dimension() const { return n; }
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;
  std::vector<double> start() const { return std::vector<double>(n, 2.5); }
  std::vector<Minimum> minima() const { return {{std::vector<double>(n, 0.0), 0.0}}; }
};

/// f(x, y) = -a*exp(-b*sqrt(0.5*(x^2+y^2))) - exp(0.5*(cos(c*x)+cos(c*y))) + a + e, with the
/// standard a = 20, b = 0.2, c = 2*pi. Minimum f(0, 0) = 0, where the first term has a cone tip:
/// there the gradient is the subgradient 0 and the Hessian has +inf on its diagonal.
struct Ackley {
  static constexpr double a = 20, b = 0.2, c = 2 * std::numbers::pi;

  std::size_t dimension() const { return 2; }
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;
  std::vector<double> start() const { return {2.0, 1.0}; }
  std::vector<Minimum> minima() const { return {{{0.0, 0.0}, 0.0}}; }
};

}  // namespace descent::objective
