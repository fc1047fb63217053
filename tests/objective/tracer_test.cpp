// Tracer: the stepping loop behind `descent trace`.
#include <gtest/gtest.h>

#include <cmath>

#include "descent/objective/registry.hpp"
#include "descent/objective/tracer.hpp"

namespace descent::objective {
namespace {

// Gradient descent on f = a*x^2: x_{k+1} = x_k - lr*2*a*x_k (hand-derived).
TEST(Tracer, StepsAndReportsThePointAfterEachStep) {
  auto f = make("quadratic", {{"a", 2}});
  Tracer t(*f, std::vector<double>{1.0}, nlohmann::json{{"name", "sgd"}, {"lr", 0.125}});
  EXPECT_EQ(t.steps(), 0);
  EXPECT_EQ(t.value(), 2);      // 2*1^2
  EXPECT_EQ(t.grad_norm(), 4);  // |2*2*1|
  EXPECT_EQ(t.lr(), 0.125);
  t.step();
  EXPECT_EQ(t.steps(), 1);
  EXPECT_EQ(t.x()[0], 0.5);  // 1 - 0.125*4
  EXPECT_EQ(t.value(), 0.5);
  EXPECT_EQ(t.grad_norm(), 2);
}

TEST(Tracer, LrIsTheOneUsedByTheLastStep) {
  auto f = make("quadratic");
  Tracer t(*f, std::vector<double>{1.0}, nlohmann::json{{"name", "sgd"}, {"lr", 0.25}});
  t.optimizer().set_lr(0, 0.125);  // as a scheduler would between steps
  t.step();
  EXPECT_EQ(t.lr(), 0.125);
  EXPECT_EQ(t.x()[0], 0.75);  // 1 - 0.125*2
}

TEST(Tracer, DivergenceThrowsNumericalErrorNamingTheStep) {
  // f = x^2 with lr = 10: x_{k+1} = -19 x_k, f overflows to inf after ~120 steps
  auto f = make("quadratic");
  Tracer t(*f, std::vector<double>{1.0}, nlohmann::json{{"name", "sgd"}, {"lr", 10}});
  std::int64_t k = 0;
  try {
    while (true) {
      t.step();
      ++k;
      ASSERT_TRUE(std::isfinite(t.value()));
    }
  } catch (const NumericalError& e) {
    EXPECT_EQ(e.where(), "step " + std::to_string(k + 1));
    // |x_k| = 19^k overflows f = x^2 once 19^(2k) > DBL_MAX, i.e. k > 1024*ln2/(2*ln19) = 120.5
    EXPECT_EQ(k + 1, 121);
  }
}

TEST(Tracer, RejectsABadStartPoint) {
  auto f = make("rosenbrock");
  const nlohmann::json sgd{{"name", "sgd"}};
  EXPECT_THROW(Tracer(*f, std::vector<double>{1.0}, sgd), ConfigError);
  EXPECT_THROW(Tracer(*f, std::vector<double>{1.0, std::nan("")}, sgd), ConfigError);
}

// Newton on f = 0.5*(x^2 + k*y^2): H = diag(1, k), g = (x, k*y), so the step (x, y) lands on the
// minimum (0, 0) exactly (hand-derived).
TEST(Tracer, NewtonGetsTheFunctionsHessian) {
  auto f = make("ill-conditioned", {{"k", 1000}});
  Tracer t(*f, std::vector<double>{3.0, -2.0}, nlohmann::json{{"name", "newton"}});
  t.step();
  EXPECT_EQ(t.x()[0], 0.0);
  EXPECT_EQ(t.x()[1], 0.0);
  EXPECT_EQ(t.value(), 0.0);
}

struct NoHessian {
  std::size_t dimension() const { return 1; }
  double value(std::span<const double> x) const { return x[0] * x[0]; }
  void gradient(std::span<const double> x, std::span<double> g) const { g[0] = 2 * x[0]; }
};

TEST(Tracer, NewtonOnAFunctionWithoutHessianIsAConfigError) {
  auto f = erase(NoHessian{});
  try {
    Tracer t(*f, std::vector<double>{1.0}, nlohmann::json{{"name", "newton"}});
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("needs the Hessian"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace descent::objective
