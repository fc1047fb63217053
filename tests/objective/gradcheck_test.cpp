// gradcheck: finds wrong derivatives, names the worst coordinates, leaves the point untouched, and
// works on a Params arena through a value functor.
#include <gtest/gtest.h>

#include <cmath>

#include "descent/core/params.hpp"
#include "descent/objective/gradcheck.hpp"
#include "descent/objective/test_functions.hpp"

namespace descent::objective {
namespace {

/// Rosenbrock with dy/dx scaled by (1 + bug): a wrong analytic gradient.
struct BuggyRosenbrock {
  double bug;
  std::size_t dimension() const { return 2; }
  double value(std::span<const double> x) const { return Rosenbrock{}.value(x); }
  void gradient(std::span<const double> x, std::span<double> g) const {
    Rosenbrock{}.gradient(x, g);
    g[1] *= 1 + bug;
  }
};

TEST(Gradcheck, CorrectGradientPasses) {
  GradcheckReport r = gradcheck(Rosenbrock{}, std::vector<double>{-1.2, 1.0});
  EXPECT_LT(r.max_error, 1e-8) << r.describe();
}

TEST(Gradcheck, WrongCoordinateIsReportedFirstWithItsRelativeError) {
  GradcheckReport r = gradcheck(BuggyRosenbrock{0.01}, std::vector<double>{-1.2, 1.0});
  ASSERT_EQ(r.worst.size(), 2u);
  EXPECT_EQ(r.worst[0].index, 1u);
  // |a - n| / max(|a|, |n|) with a = 1.01*n: 0.01 / 1.01
  EXPECT_NEAR(r.max_error, 0.01 / 1.01, 1e-7);
  EXPECT_EQ(r.max_error, r.worst[0].error);
  EXPECT_LT(r.worst[1].error, 1e-8);
  EXPECT_FALSE(r.ok(1e-3));
  EXPECT_NE(r.describe().find("x[1]"), std::string::npos);
}

TEST(Gradcheck, KeepsOnlyTheRequestedNumberOfWorstCoordinates) {
  Rastrigin f{6};
  std::vector<double> x{0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
  GradcheckReport r = gradcheck(f, x, {.worst = 3});
  ASSERT_EQ(r.worst.size(), 3u);
  EXPECT_GE(r.worst[0].error, r.worst[1].error);
  EXPECT_GE(r.worst[1].error, r.worst[2].error);
}

TEST(Gradcheck, FloorMakesTinyDerivativesCompareAbsolutely) {
  // f = x^4 at x = 1e-4: f' = 4e-12, both gradients far below the floor
  std::vector<double> x{1e-4}, a{4e-12};
  GradcheckReport r = gradcheck(x, a, [&] { return std::pow(x[0], 4); });
  EXPECT_LT(r.max_error, 1e-6);
  r = gradcheck(x, a, [&] { return std::pow(x[0], 4); }, {.floor = 0});
  EXPECT_GT(r.max_error, 1e-3);  // relative error of the rounding noise
}

TEST(Gradcheck, WorksInPlaceOnAParamsArenaAndRestoresItExactly) {
  Params<double> p;
  p.add("w", {2, 3});
  p.add("b", {3}, 1);
  p.allocate();
  auto values = p.values();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.37 * double(i) - 1.1;
  const std::vector<double> before(values.begin(), values.end());
  // loss = sum_i v_i^3, d/dv_i = 3 v_i^2; one gradient entry wrong
  auto loss = [&] {
    double s = 0;
    for (double v : p.values()) s += v * v * v;
    return s;
  };
  auto grads = p.grads();
  for (std::size_t i = 0; i < values.size(); ++i) grads[i] = 3 * values[i] * values[i];
  // near-zero v_3 = 0.01 (derivative 3e-4) bounds the attainable accuracy to ~1e-6
  EXPECT_TRUE(gradcheck(values, grads, loss).ok(1e-5));
  grads[7] += 0.5;
  GradcheckReport r = gradcheck(values, grads, loss);
  EXPECT_EQ(r.worst[0].index, 7u);
  EXPECT_NEAR(r.max_error, 0.5 / (grads[7]), 1e-6);  // |a - n| / |a| with a = n + 0.5
  EXPECT_EQ(std::vector<double>(values.begin(), values.end()), before);
}

TEST(Gradcheck, HessianCheckFindsAWrongEntry) {
  struct BadHessian : Rosenbrock {
    void hessian(std::span<const double> x, std::span<double> h) const {
      Rosenbrock::hessian(x, h);
      h[2] += 1;  // row 1, column 0
    }
  };
  GradcheckReport r = hessian_check(BadHessian{}, std::vector<double>{-1.2, 1.0});
  EXPECT_EQ(r.worst[0].index, 2u);
  EXPECT_GT(r.max_error, 1e-3);
  EXPECT_LT(hessian_check(Rosenbrock{}, std::vector<double>{-1.2, 1.0}).max_error, 1e-7);
}

TEST(Gradcheck, NonFiniteValuesFail) {
  std::vector<double> x{0.0}, a{0.0};
  GradcheckReport r = gradcheck(x, a, [] { return std::nan(""); });
  EXPECT_FALSE(r.ok(1e300));
}

}  // namespace
}  // namespace descent::objective
