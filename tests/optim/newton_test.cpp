#include "descent/optim/newton.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "descent/optim/factory.hpp"

namespace descent::optim {
namespace {

using ::testing::HasSubstr;

template <class T>
Params<T> vector_params(std::vector<T> start) {
  Params<T> p;
  p.add("x", {start.size()});
  p.allocate();
  std::copy(start.begin(), start.end(), p.values().begin());
  return p;
}

Newton<double>& as_newton(std::unique_ptr<Optimizer<double>>& opt) {
  return dynamic_cast<Newton<double>&>(*opt);
}

// f(x) = 0.5 x^T A x - b^T x, gradient A x - b, Hessian A (symmetric positive definite).
constexpr double kA[3][3] = {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}};
constexpr double kB[3] = {1, 2, 3};

void quadratic_gradient(Params<double>& p) {
  for (int i = 0; i < 3; ++i) {
    double g = -kB[i];
    for (int j = 0; j < 3; ++j) g += kA[i][j] * p.values()[j];
    p.grads()[i] = g;
  }
}

TEST(Newton, SolvesAQuadraticInOneStep) {
  auto p = vector_params<double>({5, -7, 2});
  auto opt = make<double>(p, nlohmann::json{{"name", "newton"}});
  as_newton(opt).set_hessian([](std::span<double> h) {
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) h[i * 3 + j] = kA[i][j];
  });
  quadratic_gradient(p);
  opt->step();
  quadratic_gradient(p);  // A x - b = 0 at the minimizer
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(p.grads()[i], 0.0, 1e-14);
  EXPECT_EQ(opt->step_count(0), 1);
}

// Rosenbrock (1-x)^2 + 100 (y-x^2)^2: gradient (-2(1-x) - 400x(y-x^2), 200(y-x^2)),
// Hessian [[2 - 400y + 1200x^2, -400x], [-400x, 200]].
struct Rosenbrock {
  Params<double>& p;
  void gradient() const {
    const double x = p.values()[0], y = p.values()[1];
    p.grads()[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    p.grads()[1] = 200 * (y - x * x);
  }
  void hessian(std::span<double> h) const {
    const double x = p.values()[0], y = p.values()[1];
    h[0] = 2 - 400 * y + 1200 * x * x, h[1] = h[2] = -400 * x, h[3] = 200;
  }
};

TEST(Newton, DampedNewtonConvergesOnRosenbrock) {
  // From (0, 1) the Hessian is indefinite (h11 = -398); damping 500 makes every step a descent
  // step. Near the minimum the error then shrinks by about lambda/(lambda + mu_min) = 500/500.4 per
  // step (mu_min ~ 0.4, the Hessian's small eigenvalue at (1, 1)): ~17000 steps to 1e-6 (16765
  // here).
  auto p = vector_params<double>({0, 1});
  Rosenbrock f{p};
  auto opt = make<double>(p, nlohmann::json{{"name", "newton"}, {"damping", 500.0}});
  as_newton(opt).set_hessian([&](std::span<double> h) { f.hessian(h); });
  int steps = 0;
  for (; steps < 20000 && std::hypot(p.values()[0] - 1, p.values()[1] - 1) > 1e-6; ++steps) {
    f.gradient();
    opt->step();
  }
  EXPECT_LT(std::hypot(p.values()[0] - 1, p.values()[1] - 1), 1e-6)
      << "after " << steps << " steps";
  // Undamped, the same start fails loudly instead of stepping uphill.
  auto q = vector_params<double>({0, 1});
  Rosenbrock g{q};
  auto plain = make<double>(q, nlohmann::json{{"name", "newton"}});
  as_newton(plain).set_hessian([&](std::span<double> h) { g.hessian(h); });
  g.gradient();
  EXPECT_THAT([&] { plain->step(); },
              testing::ThrowsMessage<NumericalError>(HasSubstr("not positive definite at step 1")));
}

TEST(Newton, UndampedNewtonConvergesQuadraticallyNearTheMinimum) {
  auto p = vector_params<double>({-1.2, 1});
  Rosenbrock f{p};
  auto opt = make<double>(p, nlohmann::json{{"name", "newton"}});
  as_newton(opt).set_hessian([&](std::span<double> h) { f.hessian(h); });
  for (int k = 0; k < 8; ++k) {
    f.gradient();
    opt->step();
  }
  EXPECT_NEAR(p.values()[0], 1.0, 1e-12);
  EXPECT_NEAR(p.values()[1], 1.0, 1e-12);
}

TEST(Newton, IndefiniteHessianWithoutDampingIsANumericalErrorWithAHint) {
  auto p = vector_params<double>({1, 1});  // saddle x^2 - y^2: Hessian diag(2, -2)
  auto opt = make<double>(p, nlohmann::json{{"name", "newton"}});
  as_newton(opt).set_hessian([](std::span<double> h) { h[0] = 2, h[1] = h[2] = 0, h[3] = -2; });
  p.grads()[0] = 2, p.grads()[1] = -2;
  const std::vector<double> before(p.values().begin(), p.values().end());
  EXPECT_THAT([&] { opt->step(); },
              testing::ThrowsMessage<NumericalError>(HasSubstr("set damping > 0")));
  EXPECT_EQ(before, std::vector<double>(p.values().begin(), p.values().end()));
  opt->set_group_options(0, {{"damping", 1.0}});  // diag(3, -1): still indefinite
  EXPECT_THAT([&] { opt->step(); },
              testing::ThrowsMessage<NumericalError>(HasSubstr("Hessian + 1 I is not positive")));
  opt->set_group_options(0, {{"damping", 3.0}});  // diag(5, 1): x = 1 - 2/5, y = 1 + 2/1
  opt->step();
  EXPECT_DOUBLE_EQ(p.values()[0], 0.6);
  EXPECT_DOUBLE_EQ(p.values()[1], 3.0);
}

TEST(Newton, StepWithoutHessianIsAUsageError) {
  auto p = vector_params<double>({1});
  auto opt = make<double>(p, nlohmann::json{{"name", "newton"}});
  EXPECT_THAT([&] { opt->step(); }, testing::ThrowsMessage<UsageError>(HasSubstr("set_hessian")));
}

TEST(Newton, FloatParametersSolveInDouble) {
  auto p = vector_params<float>({3, -2});
  Newton<float> opt(p, {.lr = 1, .damping = 0});
  opt.set_hessian([](std::span<double> h) { h[0] = 1, h[1] = h[2] = 0, h[3] = 1000; });
  p.grads()[0] = 3, p.grads()[1] = -2000;
  opt.step();
  EXPECT_EQ(p.values()[0], 0.0f);
  EXPECT_EQ(p.values()[1], 0.0f);
}

}  // namespace
}  // namespace descent::optim
