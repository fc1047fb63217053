#include "descent/objective/test_functions.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>

namespace descent::objective {

namespace {
constexpr double kTwoPi = 2 * std::numbers::pi;

/// Writes the symmetric 2x2 matrix [[xx, xy], [xy, yy]] row-major.
void set_hessian2(std::span<double> h, double xx, double xy, double yy) {
  h[0] = xx;
  h[1] = xy;
  h[2] = xy;
  h[3] = yy;
}
}  // namespace

// ---- Quadratic: f = a*x^2, f' = 2*a*x, f'' = 2*a

double Quadratic::value(std::span<const double> x) const {
  return a * (x[0] * x[0]);
}
void Quadratic::gradient(std::span<const double> x, std::span<double> g) const {
  g[0] = a * (2 * x[0]);
}
void Quadratic::hessian(std::span<const double>, std::span<double> h) const {
  h[0] = 2 * a;
}
std::vector<Minimum> Quadratic::minima() const {
  if (a > 0) return {{{0.0}, 0.0}};
  return {};
}

// ---- Ill-conditioned quadratic: f = 0.5*(x^2 + k*y^2), grad = (x, k*y), H = diag(1, k)

IllConditionedQuadratic::IllConditionedQuadratic(double k) : k(k) {
  if (!(k > 0) || !std::isfinite(k))
    throw ConfigError(fmt::format("condition number k = {} must be finite and > 0", k),
                      "ill-conditioned.k", "k = 100 makes one direction 100x steeper");
}
double IllConditionedQuadratic::value(std::span<const double> x) const {
  return 0.5 * (x[0] * x[0] + k * (x[1] * x[1]));
}
void IllConditionedQuadratic::gradient(std::span<const double> x, std::span<double> g) const {
  g[0] = x[0];
  g[1] = k * x[1];
}
void IllConditionedQuadratic::hessian(std::span<const double>, std::span<double> h) const {
  set_hessian2(h, 1, 0, k);
}

// ---- Saddle: f = x^2 - y^2, grad = (2x, -2y), H = diag(2, -2)

double Saddle::value(std::span<const double> x) const {
  return x[0] * x[0] - x[1] * x[1];
}
void Saddle::gradient(std::span<const double> x, std::span<double> g) const {
  g[0] = 2 * x[0];
  g[1] = -2 * x[1];
}
void Saddle::hessian(std::span<const double>, std::span<double> h) const {
  set_hessian2(h, 2, 0, -2);
}

// ---- Rosenbrock: with d = y - x^2,
//   f = (1-x)^2 + 100*d^2,  grad = (-2*(1-x) - 400*x*d, 200*d),
//   H = [[2 - 400*d + 800*x^2, -400*x], [-400*x, 200]]

double Rosenbrock::value(std::span<const double> x) const {
  const double u = 1 - x[0], d = x[1] - x[0] * x[0];
  return u * u + 100 * (d * d);
}
void Rosenbrock::gradient(std::span<const double> x, std::span<double> g) const {
  const double u = 1 - x[0], d = x[1] - x[0] * x[0];
  g[0] = -2 * u - 400 * x[0] * d;
  g[1] = 200 * d;
}
void Rosenbrock::hessian(std::span<const double> x, std::span<double> h) const {
  const double d = x[1] - x[0] * x[0];
  set_hessian2(h, 2 - 400 * d + 800 * (x[0] * x[0]), -400 * x[0], 200);
}

// ---- Himmelblau: with u = x^2+y-11, v = x+y^2-7,
//   f = u^2 + v^2,  grad = (4*x*u + 2*v, 2*u + 4*y*v),
//   H = [[8x^2 + 4u + 2, 4x + 4y], [4x + 4y, 8y^2 + 4v + 2]]

double Himmelblau::value(std::span<const double> x) const {
  const double u = x[0] * x[0] + x[1] - 11, v = x[0] + x[1] * x[1] - 7;
  return u * u + v * v;
}
void Himmelblau::gradient(std::span<const double> x, std::span<double> g) const {
  const double u = x[0] * x[0] + x[1] - 11, v = x[0] + x[1] * x[1] - 7;
  g[0] = 4 * x[0] * u + 2 * v;
  g[1] = 2 * u + 4 * x[1] * v;
}
void Himmelblau::hessian(std::span<const double> x, std::span<double> h) const {
  const double u = x[0] * x[0] + x[1] - 11, v = x[0] + x[1] * x[1] - 7;
  set_hessian2(h, 8 * (x[0] * x[0]) + 4 * u + 2, 4 * x[0] + 4 * x[1],
               8 * (x[1] * x[1]) + 4 * v + 2);
}
std::vector<Minimum> Himmelblau::minima() const {
  return {{{3.0, 2.0}, 0.0},
          {{-2.805118086952745, 3.131312518250573}, 0.0},
          {{-3.779310253377747, -3.2831859912861696}, 0.0},
          {{3.5844283403304917, -1.8481265269644036}, 0.0}};
}

// ---- Beale: f = sum_k t_k^2 with t_k = c_k - x + x*y^k, c = (1.5, 2.25, 2.625), k = 1, 2, 3;
//   grad t_k = (y^k - 1, k*x*y^(k-1)),  grad f = 2 * sum_k t_k * grad t_k,
//   H = 2 * sum_k (grad t_k grad t_k^T + t_k * H(t_k)),
//   H(t_k) = [[0, k*y^(k-1)], [k*y^(k-1), k*(k-1)*x*y^(k-2)]]

namespace {
struct BealeTerm {
  double t, dx, dy;  // t_k and its gradient
  double hxy, hyy;   // its Hessian's off-diagonal and yy entries (hxx = 0)
};
BealeTerm beale_term(int k, double x, double y) {
  static constexpr double c[] = {1.5, 2.25, 2.625};
  const double pw[] = {1.0, y, y * y, y * y * y};  // y^0 .. y^3
  return {c[k - 1] - x + x * pw[k], pw[k] - 1, k * x * pw[k - 1], k * pw[k - 1],
          k >= 2 ? k * (k - 1) * x * pw[k - 2] : 0.0};
}
}  // namespace

double Beale::value(std::span<const double> x) const {
  double f = 0;
  for (int k = 1; k <= 3; ++k) {
    const double t = beale_term(k, x[0], x[1]).t;
    f += t * t;
  }
  return f;
}
void Beale::gradient(std::span<const double> x, std::span<double> g) const {
  g[0] = g[1] = 0;
  for (int k = 1; k <= 3; ++k) {
    const BealeTerm b = beale_term(k, x[0], x[1]);
    g[0] += 2 * b.t * b.dx;
    g[1] += 2 * b.t * b.dy;
  }
}
void Beale::hessian(std::span<const double> x, std::span<double> h) const {
  double xx = 0, xy = 0, yy = 0;
  for (int k = 1; k <= 3; ++k) {
    const BealeTerm b = beale_term(k, x[0], x[1]);
    xx += 2 * (b.dx * b.dx);
    xy += 2 * (b.dx * b.dy + b.t * b.hxy);
    yy += 2 * (b.dy * b.dy + b.t * b.hyy);
  }
  set_hessian2(h, xx, xy, yy);
}

// ---- Booth: with u = x+2y-7, v = 2x+y-5, f = u^2 + v^2, grad = (2u + 4v, 4u + 2v),
//   H = [[10, 8], [8, 10]]

double Booth::value(std::span<const double> x) const {
  const double u = x[0] + 2 * x[1] - 7, v = 2 * x[0] + x[1] - 5;
  return u * u + v * v;
}
void Booth::gradient(std::span<const double> x, std::span<double> g) const {
  const double u = x[0] + 2 * x[1] - 7, v = 2 * x[0] + x[1] - 5;
  g[0] = 2 * u + 4 * v;
  g[1] = 4 * u + 2 * v;
}
void Booth::hessian(std::span<const double>, std::span<double> h) const {
  set_hessian2(h, 10, 8, 10);
}

// ---- Rastrigin: f = A*n + sum_i (x_i^2 - A*cos(2*pi*x_i)),
//   df/dx_i = 2*x_i + 2*pi*A*sin(2*pi*x_i),  H = diag(2 + 4*pi^2*A*cos(2*pi*x_i))

Rastrigin::Rastrigin(std::size_t n) : n(n) {
  if (n == 0) throw ConfigError("dimension n must be >= 1", "rastrigin.n", "e.g. n = 2");
}
double Rastrigin::value(std::span<const double> x) const {
  double f = A * static_cast<double>(n);
  for (double xi : x) f += xi * xi - A * std::cos(kTwoPi * xi);
  return f;
}
void Rastrigin::gradient(std::span<const double> x, std::span<double> g) const {
  for (std::size_t i = 0; i < n; ++i) g[i] = 2 * x[i] + kTwoPi * A * std::sin(kTwoPi * x[i]);
}
void Rastrigin::hessian(std::span<const double> x, std::span<double> h) const {
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      h[i * n + j] = i == j ? 2 + kTwoPi * kTwoPi * A * std::cos(kTwoPi * x[i]) : 0.0;
}

// ---- Ackley: with r = sqrt(0.5*(x^2+y^2)), E1 = exp(-b*r), E2 = exp(0.5*(cos(c*x)+cos(c*y))),
//   f = -a*E1 - E2 + a + e,
//   df/dx_i = (a*b/2)*E1*x_i/r + (c/2)*E2*sin(c*x_i),
//   H_ij = (a*b/2)*E1*(delta_ij/r - 0.5*x_i*x_j*(b/r^2 + 1/r^3))
//        + (c/2)*E2*(delta_ij*c*cos(c*x_i) - 0.5*c*sin(c*x_i)*sin(c*x_j)).
// At r = 0 the first term is a cone tip: its gradient is the subgradient 0 and its curvature +inf.

double Ackley::value(std::span<const double> x) const {
  const double r = std::sqrt(0.5 * (x[0] * x[0] + x[1] * x[1]));
  return -a * std::exp(-b * r) - std::exp(0.5 * (std::cos(c * x[0]) + std::cos(c * x[1]))) + a +
         std::numbers::e;
}
void Ackley::gradient(std::span<const double> x, std::span<double> g) const {
  const double r = std::sqrt(0.5 * (x[0] * x[0] + x[1] * x[1]));
  const double cone = r > 0 ? 0.5 * a * b * std::exp(-b * r) / r : 0.0;
  const double e2 = std::exp(0.5 * (std::cos(c * x[0]) + std::cos(c * x[1])));
  for (int i = 0; i < 2; ++i) g[i] = cone * x[i] + 0.5 * c * e2 * std::sin(c * x[i]);
}
void Ackley::hessian(std::span<const double> x, std::span<double> h) const {
  const double r = std::sqrt(0.5 * (x[0] * x[0] + x[1] * x[1]));
  const double e1 = std::exp(-b * r);
  const double e2 = std::exp(0.5 * (std::cos(c * x[0]) + std::cos(c * x[1])));
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      const double smooth = 0.5 * c * e2 *
                            ((i == j ? c * std::cos(c * x[i]) : 0.0) -
                             0.5 * c * std::sin(c * x[i]) * std::sin(c * x[j]));
      double cone;
      if (r > 0)
        cone = 0.5 * a * b * e1 *
               ((i == j ? 1 / r : 0.0) - 0.5 * x[i] * x[j] * (b / (r * r) + 1 / (r * r * r)));
      else
        cone = i == j ? std::numeric_limits<double>::infinity() : 0.0;
      h[i * 2 + j] = smooth + cone;
    }
  }
}

}  // namespace descent::objective
