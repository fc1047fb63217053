// The zoo: analytic gradients and Hessians against finite differences at several points, known
// minima (value, zero gradient, positive definite Hessian), and values derived by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "descent/objective/gradcheck.hpp"
#include "descent/objective/registry.hpp"
#include "descent/objective/test_functions.hpp"

namespace descent::objective {
namespace {

static_assert(TwiceDifferentiable<Quadratic> && TwiceDifferentiable<IllConditionedQuadratic> &&
              TwiceDifferentiable<Saddle> && TwiceDifferentiable<Rosenbrock> &&
              TwiceDifferentiable<Himmelblau> && TwiceDifferentiable<Beale> &&
              TwiceDifferentiable<Booth> && TwiceDifferentiable<Rastrigin> &&
              TwiceDifferentiable<Ackley> && TwiceDifferentiable<Function>);

/// Every registered function, with non-default parameters for the parameterized ones.
std::vector<std::unique_ptr<Function>> zoo() {
  std::vector<std::unique_ptr<Function>> all;
  for (const auto& info : registry()) all.push_back(make(info.name));
  all.push_back(make("quadratic", {{"a", -2.5}}));
  all.push_back(make("ill-conditioned", {{"k", 1000}}));
  all.push_back(make("rastrigin", {{"n", 5}}));
  return all;
}

/// The start point and four points around it (fixed offsets, away from the Ackley cone tip).
std::vector<std::vector<double>> points(const Function& f) {
  std::vector<std::vector<double>> out{f.start()};
  const double offsets[][2] = {{0.31, -0.72}, {-1.13, 0.47}, {0.05, 1.9}, {-2.4, -0.61}};
  for (const auto& o : offsets) {
    std::vector<double> x = f.start();
    for (std::size_t i = 0; i < x.size(); ++i) x[i] += o[i % 2] * (1 + 0.1 * double(i));
    out.push_back(x);
  }
  return out;
}

TEST(TestFunctions, GradientsMatchFiniteDifferences) {
  for (const auto& f : zoo())
    for (const auto& x : points(*f)) {
      GradcheckReport r = gradcheck(*f, x);
      EXPECT_TRUE(r.ok(1e-6)) << "dimension " << f->dimension() << " at x0=" << x[0] << ": "
                              << r.describe();
    }
}

TEST(TestFunctions, HessiansMatchFiniteDifferencesOfTheGradient) {
  for (const auto& f : zoo())
    for (const auto& x : points(*f)) {
      ASSERT_TRUE(f->has_hessian());
      GradcheckReport r = hessian_check(*f, x);
      EXPECT_TRUE(r.ok(1e-6)) << "dimension " << f->dimension() << " at x0=" << x[0] << ": "
                              << r.describe();
    }
}

TEST(TestFunctions, ValueAndGradientAgreeWithSeparateCalls) {
  for (const auto& f : zoo()) {
    const auto x = points(*f)[1];
    std::vector<double> g1(f->dimension()), g2(f->dimension());
    f->gradient(x, g1);
    EXPECT_EQ(f->value_and_gradient(x, g2), f->value(x));
    EXPECT_EQ(g1, g2);
  }
}

/// Positive definite 1x1 or 2x2 (Sylvester's criterion), or diagonal n x n.
bool positive_definite(const std::vector<double>& h, std::size_t n) {
  if (n == 1) return h[0] > 0;
  if (n == 2) return h[0] > 0 && h[0] * h[3] - h[1] * h[2] > 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (i == j ? h[i * n + j] <= 0 : h[i * n + j] != 0) return false;
  return true;
}

TEST(TestFunctions, KnownMinimaHaveTheirValueZeroGradientAndPositiveCurvature) {
  for (const auto& f : zoo()) {
    for (const auto& m : f->minima()) {
      const std::size_t n = f->dimension();
      ASSERT_EQ(m.x.size(), n);
      EXPECT_NEAR(f->value(m.x), m.value, 1e-14) << "at x0=" << m.x[0];
      std::vector<double> g(n), h(n * n);
      f->gradient(m.x, g);
      for (double gi : g) EXPECT_NEAR(gi, 0.0, 1e-12) << "at x0=" << m.x[0];
      f->hessian(m.x, h);
      EXPECT_TRUE(positive_definite(h, n)) << "at x0=" << m.x[0];
      // a minimum: nearby points are higher
      for (std::size_t i = 0; i < n; ++i)
        for (double d : {-1e-3, 1e-3}) {
          auto y = m.x;
          y[i] += d;
          EXPECT_GT(f->value(y), m.value);
        }
    }
  }
}

TEST(TestFunctions, HimmelblauHasFourMinima) {
  EXPECT_EQ(Himmelblau{}.minima().size(), 4u);
}

TEST(TestFunctions, SaddleAndConcaveQuadraticHaveNoMinimumAndIndefiniteCurvature) {
  EXPECT_TRUE(Saddle{}.minima().empty());
  EXPECT_TRUE(Quadratic{-1}.minima().empty());
  std::vector<double> h(4), g(2);
  Saddle{}.hessian(std::vector<double>{0.0, 0.0}, h);
  EXPECT_LT(h[0] * h[3] - h[1] * h[2], 0);
  Saddle{}.gradient(std::vector<double>{0.0, 0.0}, g);
  EXPECT_EQ(g, (std::vector<double>{0.0, 0.0}));  // a stationary point nonetheless
}

// Values derived by hand from the definitions.
TEST(TestFunctions, ValuesAtHandComputedPoints) {
  using V = std::vector<double>;
  EXPECT_EQ(Quadratic{3}.value(V{2}), 12);                          // 3*2^2
  EXPECT_EQ(IllConditionedQuadratic{100}.value(V{1, 1}), 50.5);     // 0.5*(1 + 100)
  EXPECT_EQ(Saddle{}.value(V{1, 2}), -3);                           // 1 - 4
  EXPECT_EQ(Rosenbrock{}.value(V{0, 0}), 1);                        // 1 + 100*0
  EXPECT_EQ(Rosenbrock{}.value(V{-1, 1}), 4);                       // 2^2 + 100*0
  EXPECT_EQ(Himmelblau{}.value(V{0, 0}), 170);                      // 121 + 49
  EXPECT_EQ(Beale{}.value(V{0, 0}), 14.203125);                     // 1.5^2 + 2.25^2 + 2.625^2
  EXPECT_EQ(Booth{}.value(V{0, 0}), 74);                            // 49 + 25
  EXPECT_NEAR(Rastrigin{3}.value(V{0.5, 0.5, 0.5}), 60.75, 1e-12);  // 30 + 3*(0.25 + 10)
  EXPECT_NEAR(Ackley{}.value(V{0, 0}), 0, 1e-14);                   // -20 - e + 20 + e
  // Ackley at (1, 0): r = sqrt(0.5), cos(2*pi) = cos(0) = 1
  EXPECT_NEAR(Ackley{}.value(V{1, 0}),
              -20 * std::exp(-0.2 * std::sqrt(0.5)) - std::exp(1.0) + 20 + std::exp(1.0), 1e-14);
}

// Gradients derived by hand from the definitions.
TEST(TestFunctions, GradientsAtHandComputedPoints) {
  using V = std::vector<double>;
  V g(2);
  Rosenbrock{}.gradient(V{0, 0}, g);  // (-2*(1-0) - 0, 200*0)
  EXPECT_EQ(g, (V{-2, 0}));
  Himmelblau{}.gradient(V{0, 0}, g);  // u = -11, v = -7: (0 + 2v, 2u + 0)
  EXPECT_EQ(g, (V{-14, -22}));
  Booth{}.gradient(V{0, 0}, g);  // u = -7, v = -5: (2u + 4v, 4u + 2v)
  EXPECT_EQ(g, (V{-34, -38}));
  Beale{}.gradient(V{1, 1}, g);  // t = (1.5, 2.25, 2.625), grad t_k = (0, k): 2*(1.5 + 4.5 + 7.875)
  EXPECT_EQ(g, (V{0, 27.75}));
}

TEST(TestFunctions, AckleyConeTipHasZeroSubgradientAndInfiniteCurvature) {
  std::vector<double> x{0, 0}, g(2), h(4);
  Ackley{}.gradient(x, g);
  EXPECT_EQ(g, (std::vector<double>{0, 0}));
  Ackley{}.hessian(x, h);
  EXPECT_EQ(h[0], std::numeric_limits<double>::infinity());
  EXPECT_EQ(h[3], std::numeric_limits<double>::infinity());
  EXPECT_EQ(h[1], 0);
}

TEST(TestFunctions, ErasedFunctionChecksSizes) {
  auto f = make("rosenbrock");
  std::vector<double> x3{1, 2, 3}, x2{1, 2}, g1(1), h3(3);
  EXPECT_THROW(f->value(x3), UsageError);
  EXPECT_THROW(f->gradient(x2, g1), UsageError);
  EXPECT_THROW(f->hessian(x2, h3), UsageError);
}

}  // namespace
}  // namespace descent::objective
