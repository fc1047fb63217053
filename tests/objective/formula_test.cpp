// Objectives typed as formulas (objective::Formula): the language, exact derivatives, the same
// trajectories as the built-in functions, and errors that point at the column.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/objective/formula.hpp"
#include "descent/objective/function_spec.hpp"
#include "descent/objective/gradcheck.hpp"
#include "descent/objective/registry.hpp"
#include "descent/objective/scalar_formula.hpp"
#include "descent/objective/test_functions.hpp"
#include "descent/objective/tracer.hpp"
#include "support/formulas.hpp"

namespace descent::objective {
namespace {

double at(const std::string& text, std::vector<double> x) {
  return Formula::parse(text, x.size()).value(x);
}

/// The message of the ConfigError thrown by parsing `text` (empty if none).
std::string parse_error(const std::string& text, std::size_t dimension = 0) {
  try {
    Formula::parse(text, dimension, "--function");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Formula, LanguageFollowsCPrecedenceAndNotation) {
  SKIP_WITHOUT_FORMULAS();
  EXPECT_EQ(at("-x^2", {3}), -9);                    // ^ binds tighter than unary minus
  EXPECT_EQ(at("2^3^2", {0}), 512);                  // right-associative
  EXPECT_EQ(at("2**3 + x", {1}), 9);                 // ** is ^
  EXPECT_EQ(at("0x1p-3 + 1e2 + .5", {0}), 100.625);  // C numbers: hex float, exponent, leading dot
  EXPECT_EQ(at("x - y - 1", {5, 2}), 2);             // left-associative
  EXPECT_EQ(at("x / y / 2", {8, 2}), 2);
  EXPECT_DOUBLE_EQ(at("sin(pi/2) + log(e) + sqrt(16) + abs(-x)", {2}), 1 + 1 + 4 + 2);
  EXPECT_EQ(at("min(x, y) + max(x, y)", {3, -1}), 2);
  EXPECT_DOUBLE_EQ(at("exp(1) - e + tanh(0) + cos(0) + atan(1)*4 - pi", {0}), 1);
  EXPECT_DOUBLE_EQ(at("x1 + 2*x2 + 3*x3", {1, 1, 1}), 6);
  EXPECT_DOUBLE_EQ(at("log10(1000) + log2(8) + pow(x, 3)", {2}), 3 + 3 + 8);
}

TEST(Formula, DimensionComesFromTheVariablesOrTheStartPoint) {
  SKIP_WITHOUT_FORMULAS();
  EXPECT_EQ(Formula::parse("x^2").dimension(), 1u);
  EXPECT_EQ(Formula::parse("x^2 + y").dimension(), 2u);
  EXPECT_EQ(Formula::parse("x3").dimension(), 3u);
  EXPECT_EQ(Formula::parse("x^2", 2).dimension(), 2u);
  EXPECT_EQ(Formula::parse("x1*x4", 5).variable_names(),
            (std::vector<std::string>{"x1", "x2", "x3", "x4", "x5"}));
  EXPECT_EQ(Formula::parse("y", 2).variable_names(), (std::vector<std::string>{"x", "y"}));
}

// grad and Hessian of the formula = the built-in's analytic ones (same formulas, rounding aside).
TEST(Formula, DerivativesEqualTheBuiltInsAnalyticOnes) {
  SKIP_WITHOUT_FORMULAS();
  const std::vector<double> points{-1.5, 2, 0.3, -0.7, 2.9, 0.45, -3.1, 1.7};
  for (const char* name : {"rosenbrock", "himmelblau", "beale", "saddle", "booth"}) {
    const auto builtin = make(name);
    std::string text;
    for (const auto& info : registry())
      if (info.name == name) text = info.formula;
    const auto formula = make_function(text);
    ASSERT_EQ(formula->dimension(), 2u) << name;
    for (std::size_t p = 0; p < points.size(); p += 2) {
      const std::vector<double> x{points[p], points[p + 1]};
      std::vector<double> g1(2), g2(2), h1(4), h2(4);
      const double f1 = builtin->value_and_gradient(x, g1);
      const double f2 = formula->value_and_gradient(x, g2);
      builtin->hessian(x, h1);
      formula->hessian(x, h2);
      EXPECT_NEAR(f2, f1, 1e-13 * std::max(1.0, std::abs(f1))) << name;
      for (int i = 0; i < 2; ++i) EXPECT_NEAR(g2[i], g1[i], 1e-13 * std::max(1.0, std::abs(g1[i])));
      for (int i = 0; i < 4; ++i) EXPECT_NEAR(h2[i], h1[i], 1e-13 * std::max(1.0, std::abs(h1[i])));
      EXPECT_EQ(formula->value(x), f2);
    }
  }
}

// The acceptance test of the issue: a formula equal to a built-in gives the built-in's trajectory
// to 1e-12 relative, step by step, with first-order optimizers and Newton (exact Hessian).
TEST(Formula, TrajectoriesEqualTheBuiltIns) {
  SKIP_WITHOUT_FORMULAS();
  struct Case {
    const char *name, *formula;
    std::vector<double> x0;
  };
  const std::vector<Case> cases{
      {"rosenbrock", "(1-x)^2 + 100*(y-x^2)^2", {-1.5, 2}},
      {"himmelblau", "(x^2+y-11)^2 + (x+y^2-7)^2", {0, 0}},
      {"beale", "(1.5-x+x*y)^2 + (2.25-x+x*y^2)^2 + (2.625-x+x*y^3)^2", {1, 1}},
      {"saddle", "x^2 - y^2", {1, 1e-3}},
  };
  const std::vector<nlohmann::json> optimizers{
      {{"name", "sgd"}, {"lr", 5e-4}, {"momentum", 0.9}},
      {{"name", "adam"}, {"lr", 0.02}},
      {{"name", "newton"}, {"damping", 100.0}},  // Levenberg: H + 100 I is positive definite
  };
  for (const auto& c : cases) {
    const auto builtin = make(c.name);
    const auto formula = make_function(c.formula);
    for (const auto& spec : optimizers) {
      if (std::string(c.name) == "saddle" && spec["name"] == "newton") continue;  // indefinite H
      Tracer a(*builtin, c.x0, spec), b(*formula, c.x0, spec);
      double worst = 0;
      for (int k = 0; k < 200; ++k) {
        a.step();
        b.step();
        for (int i = 0; i < 2; ++i)
          worst = std::max(worst, std::abs(a.x()[i] - b.x()[i]) /
                                      std::max({std::abs(a.x()[i]), std::abs(b.x()[i]), 1e-300}));
      }
      EXPECT_LE(worst, 1e-12) << c.name << " " << spec.dump();
      EXPECT_NE(a.x()[0], c.x0[0]) << "the run moved";
    }
  }
}

TEST(Formula, NewtonConvergesOnAFormulaWithItsExactHessian) {
  SKIP_WITHOUT_FORMULAS();
  const auto f = make_function("(x-3)^2 + 10*(y+1)^2 + x*y");
  Tracer t(*f, std::vector<double>{0, 0}, {{"name", "newton"}});
  t.step();  // a quadratic: one undamped Newton step lands on the minimum, grad = 0
  EXPECT_LT(t.grad_norm(), 1e-12);
  const GradcheckReport h =
      hessian_check(Formula::parse("(x-3)^2 + 10*(y+1)^2 + x*y"), std::vector<double>{0.3, -0.2});
  EXPECT_LT(h.max_error, 1e-7) << h.describe();
}

TEST(Formula, KinksHaveTheUsualSubgradients) {
  SKIP_WITHOUT_FORMULAS();
  const Formula f = Formula::parse("abs(x) + max(x, y) + 2*min(x, y)");
  std::vector<double> g(2);
  f.gradient(std::vector<double>{-2, 1}, g);  // -1 + (0, 1) + 2*(1, 0)
  EXPECT_EQ(g, (std::vector<double>{1, 1}));
  f.gradient(std::vector<double>{3, 1}, g);  // 1 + (1, 0) + 2*(0, 1)
  EXPECT_EQ(g, (std::vector<double>{2, 2}));
  f.gradient(std::vector<double>{0, -1}, g);  // sign(0) = 0, so 0 + (1, 0) + 2*(0, 1)
  EXPECT_EQ(g, (std::vector<double>{1, 2}));
}

TEST(Formula, GradcheckPassesOnSmoothFormulas) {
  SKIP_WITHOUT_FORMULAS();
  for (const char* text :
       {"exp(-x^2-y^2)*sin(3*x) + log(1+y^2)/sqrt(2+x)", "tanh(x*y) + atan(x-y) + cosh(y/3) - x^-2",
        "x1*x2*x3 + x3^5/(1+x1^2)"}) {
    const Formula f = Formula::parse(text);
    const std::vector<double> x(f.dimension(), 0.7);
    const GradcheckReport r = gradcheck(f, x);
    EXPECT_LT(r.max_error, 1e-7) << text << ": " << r.describe();
  }
}

TEST(FormulaErrors, SyntaxErrorShowsTheFormulaAndACaretUnderTheColumn) {
  SKIP_WITHOUT_FORMULAS();
  const std::string e = parse_error("(1-x)^2 + 100*(y-x^2");
  EXPECT_EQ(e,
            "--function: expected ')' (to close column 15) at column 21:\n"
            "  (1-x)^2 + 100*(y-x^2\n"
            "                      ^");
  EXPECT_NE(parse_error("2x + 1").find(
                "malformed number (write 2*x, not 2x) at column 2:\n  2x + 1\n   ^"),
            std::string::npos)
      << parse_error("2x + 1");
  EXPECT_NE(parse_error("x + * y").find("unexpected '*'"), std::string::npos);
  EXPECT_NE(parse_error("x + y)").find("unmatched ')' at column 6"), std::string::npos);
  EXPECT_NE(parse_error("").find("empty formula"), std::string::npos);
  EXPECT_NE(parse_error("x +").find("unexpected end of the formula"), std::string::npos);
}

TEST(FormulaErrors, UnknownNamesSayDidYouMean) {
  SKIP_WITHOUT_FORMULAS();
  EXPECT_NE(parse_error("sinn(x) + y").find("unknown function 'sinn', did you mean 'sin'?"),
            std::string::npos)
      << parse_error("sinn(x) + y");
  EXPECT_NE(parse_error("x + yy").find("unknown variable 'yy', did you mean 'y'?"),
            std::string::npos)
      << parse_error("x + yy");
  EXPECT_NE(parse_error("min(x)").find("'min' takes 2 arguments, got 1"), std::string::npos);
  EXPECT_NE(parse_error("x + x2").find("mixes variable styles"), std::string::npos);
  EXPECT_NE(parse_error("x1 + x3", 2).find("'x3' is beyond the 2 coordinates of the start point"),
            std::string::npos)
      << parse_error("x1 + x3", 2);
  EXPECT_NE(parse_error("x + y", 3).find("the variables are x1..x3"), std::string::npos);
}

TEST(FormulaErrors, MakeFunctionTellsNamesFromFormulas) {
  SKIP_WITHOUT_FORMULAS();
  EXPECT_THROW(make_function("rosenbrok"), ConfigError);  // a name: unknown function
  try {
    make_function("rosenbrok");
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'rosenbrock'"), std::string::npos);
  }
  EXPECT_EQ(make_function("x-y")->dimension(), 2u);  // a formula, though it looks like a name
  EXPECT_EQ(make_function("ill-conditioned")->dimension(), 2u);
  EXPECT_THROW(make_function("x^2", {{"k", 1}}), ConfigError);
}

TEST(FormulaErrors, NotFiniteAtTheStartPointIsBadInput) {
  SKIP_WITHOUT_FORMULAS();
  const auto f = make_function("log(x) + y");
  EXPECT_THROW(check_finite_at(*f, std::vector<double>{0, 1}, "--function"), ConfigError);
  EXPECT_NO_THROW(check_finite_at(*f, std::vector<double>{1, 1}, "--function"));
  const auto g = make_function("sqrt(x)");  // f(0) = 0, f'(0) = inf
  try {
    check_finite_at(*g, std::vector<double>{0}, "--function");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "the gradient at the start point (0) is not finite: component 1 = inf"),
              std::string::npos)
        << e.what();
  }
}

TEST(ScalarFormula, EvaluatesAFormulaInOneNamedVariable) {
  SKIP_WITHOUT_FORMULAS();
  const ScalarFormula factor("0.95^epoch", "epoch");
  for (int t = 0; t < 5; ++t) EXPECT_EQ(factor(t), std::pow(0.95, t));
  const ScalarFormula warm("min(1, (step+1)/10)", "step");
  EXPECT_EQ(warm(0), 0.1);
  EXPECT_EQ(warm(20), 1);
  try {
    ScalarFormula("0.95^epoh", "epoch", "schedule.factor");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown variable 'epoh', did you mean 'epoch'?"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace descent::objective
