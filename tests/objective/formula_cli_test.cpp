// The command line of the learner's lab: `descent trace` on formulas, `descent gradcheck` for
// functions, formulas and models, and --dtype float for trace and schedule.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "descent/nn/loss.hpp"
#include "descent/objective/formula.hpp"
#include "descent/objective/test_functions.hpp"
#include "support/cli.hpp"
#include "support/formulas.hpp"

namespace descent::test {
namespace {

/// A two-class CSV (target 0/1 from the sign of a + b), for the binary losses.
std::string binary_csv() {
  const auto path = scratch_dir() / "binary.csv";
  std::string text = "a,b,y\n";
  for (int i = 0; i < 40; ++i) {
    const double a = std::sin(i * 1.3), b = std::cos(i * 0.7);
    text += fmt::format("{},{},{}\n", a, b, a + b > 0 ? 1 : 0);
  }
  write_file_atomic(path, text);
  return path.string() + " --target y";
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  return out;
}

TEST(TraceFormula, SameCsvShapeAndPathAsTheBuiltIn) {
  SKIP_WITHOUT_FORMULAS();
  const std::string opt = R"( --x0=-1.5,2 --optimizer '{"name":"adam","lr":0.02}' --steps 300)";
  const CliResult a = run_cli("trace --function rosenbrock" + opt);
  const CliResult b = run_cli("trace --function '(1-x)^2 + 100*(y-x^2)^2'" + opt);
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  const auto ra = lines(a.out), rb = lines(b.out);
  ASSERT_EQ(ra.size(), 302u);
  ASSERT_EQ(rb.size(), ra.size());
  EXPECT_EQ(rb[0], "step,x0,x1,f,grad_norm,lr");
  for (std::size_t k = 1; k < ra.size(); ++k) {
    const auto fa = fields(ra[k]), fb = fields(rb[k]);
    for (int i : {1, 2}) {
      const double xa = number(fa[i]), xb = number(fb[i]);
      EXPECT_LE(std::abs(xa - xb), 1e-12 * std::abs(xa)) << "row " << k;
    }
  }
}

TEST(TraceFormula, NewtonOnAFormulaInThreeVariables) {
  SKIP_WITHOUT_FORMULAS();
  const CliResult r = run_cli(
      "trace --function '(x1-1)^2 + 2*(x2+2)^2 + 3*(x3-x1)^2' --x0=0,0,0 --optimizer newton "
      "--steps 1");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto rows = lines(r.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "step,x0,x1,x2,f,grad_norm,lr");
  const auto last = fields(rows[2]);  // a quadratic: one Newton step reaches (1, -2, 1)
  EXPECT_NEAR(number(last[1]), 1, 1e-14);
  EXPECT_NEAR(number(last[2]), -2, 1e-14);
  EXPECT_NEAR(number(last[3]), 1, 1e-14);
}

void expect_error(const CliResult& r, const std::string& expected, std::size_t num_lines = 1) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(lines(r.err).size(), num_lines) << r.err;
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
}

TEST(TraceFormula, BadFormulasAreExitCode2WithACaretOrADidYouMean) {
  SKIP_WITHOUT_FORMULAS();
  const std::string rest = " --optimizer sgd --steps 3";
  const CliResult syntax = run_cli("trace --function '(1-x)^2 + 100*(y-x^2'" + rest);
  expect_error(syntax,
               "descent: error: --function: expected ')' (to close column 15) at column 21:\n"
               "  (1-x)^2 + 100*(y-x^2\n"
               "                      ^\n",
               3);
  expect_error(run_cli("trace --function 'exp(x) + sinn(y)'" + rest),
               "unknown function 'sinn', did you mean 'sin'?", 3);
  expect_error(run_cli("trace --function 'x^2 + z'" + rest), "unknown variable 'z'", 3);
  expect_error(run_cli("trace --function 'x1 + x3' --x0=1,2" + rest),
               "'x3' is beyond the 2 coordinates of the start point", 3);
  expect_error(run_cli("trace --function 'log(x) + y' --x0=0,1" + rest),
               "--function: f(0, 1) = -inf is not finite at the start point");
  expect_error(run_cli("trace --function 'sqrt(x) + y' --x0=0,1" + rest),
               "the gradient at the start point (0, 1) is not finite: component 1 = inf");
  expect_error(run_cli("trace --function 'x^2' --param k=1" + rest), "takes no parameters");
  expect_error(run_cli("trace --function rosenbrock --dtype half" + rest), "--dtype");
}

TEST(Functions, SaysAnyFormulaIsAccepted) {
  SKIP_WITHOUT_FORMULAS();
  const CliResult r = run_cli("functions");
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("rosenbrock"), std::string::npos);
  EXPECT_NE(r.out.find("Any formula is accepted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sqrt"), std::string::npos);
}

TEST(Gradcheck, FunctionAndFormulaPassAndReportTheStep) {
  SKIP_WITHOUT_FORMULAS();
  for (const char* f :
       {"rosenbrock", "'(1-x)^2 + 100*(y-x^2)^2'", "ackley", "'x1*exp(x2) - x3^3'"}) {
    const CliResult r = run_cli(
        fmt::format("gradcheck --function {} --x0={}", f,
                    std::string(f).find("x3") != std::string::npos ? "0.5,-1,2" : "-1.5,2"));
    EXPECT_EQ(r.code, 0) << f << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("h_i = cbrt(eps) * max(1, |x_i|), cbrt(eps) = 6.0554544523933395e-06"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("ok: max relative error"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("coordinate  x"), std::string::npos) << r.out;
  }
}

// max(x, y) at a tie: the analytic subgradient (1, 0) is not the central difference (1/2, 1/2);
// y is the worst coordinate, |0 - 1/2| / (1/2) = 1.
TEST(Gradcheck, AboveTheToleranceIsExitCode1NamingTheCoordinate) {
  SKIP_WITHOUT_FORMULAS();
  const CliResult r = run_cli("gradcheck --function 'max(x, y)' --x0=1,1");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("gradcheck: max relative error 1 > tol 1e-05 at y"), std::string::npos)
      << r.err;
  EXPECT_EQ(lines(r.err).size(), 1u);
  const CliResult tight = run_cli("gradcheck --function rosenbrock --tol 1e-30");
  EXPECT_EQ(tight.code, 1) << tight.err;
}

TEST(Gradcheck, BadInputIsExitCode2) {
  expect_error(run_cli("gradcheck"), "nothing to check");
  expect_error(run_cli("gradcheck --function rosenbrock --data synthetic:blobs"), "not both");
  expect_error(run_cli("gradcheck --data synthetic:linear --loss cross_entropy"),
               "needs class labels");
}

// `descent gradcheck --data --model --loss` for every loss and every activation (and dropout).
TEST(Gradcheck, EveryLossAndLayerOfAModelPasses) {
  const std::string common = " --model mlp:4 --rows 5 --coordinates 6 --samples 40";
  for (const auto& info : nn::loss_registry()) {
    // The binary losses take two classes and one output logit; the others blobs or a line.
    const bool binary = info.name == "bce_with_logits" || info.name == "binary_focal";
    const bool classes = info.target == nn::TargetKind::ClassIndex;
    const std::string data = binary    ? binary_csv()
                             : classes ? "synthetic:blobs"
                                       : "synthetic:linear";
    const CliResult r =
        run_cli(fmt::format("gradcheck --data {} --loss {}{}", data, info.name, common));
    EXPECT_EQ(r.code, 0) << info.name << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("0.weight"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2.bias"), std::string::npos) << r.out;
  }
  for (const char* activation : {"relu", "leaky_relu", "sigmoid", "tanh", "gelu"}) {
    const CliResult r =
        run_cli(fmt::format("gradcheck --data synthetic:spirals --activation {} --dropout 0.3 "
                            "--l1 0.001 --l2 0.01{}",
                            activation, common));
    EXPECT_EQ(r.code, 0) << activation << "\n" << r.out << r.err;
  }
}

float float_number(const std::string& s) {
  float v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

/// Whether every coordinate printed in the CSV is a float in its shortest round-trip form.
bool all_floats(const std::vector<std::string>& rows) {
  for (std::size_t k = 1; k < rows.size(); ++k)
    for (int i : {1, 2}) {
      const std::string s = fields(rows[k])[i];  // a copy: fields() returns a temporary
      if (fmt::format("{}", float_number(s)) != s) return false;
    }
  return true;
}

// The float path: the point lives in float; each SGD step is x - lr*g in float arithmetic with g,
// the gradient at the float point, rounded to float (with or without a fused multiply-add).
TEST(TraceDtype, FloatPathStepsInFloatAndDiffersFromDouble) {
  const std::string args =
      R"(trace --function rosenbrock --x0=-1.5,2 --optimizer '{"name":"sgd","lr":0.0005}' --steps 50)";
  const CliResult f = run_cli(args + " --dtype float");
  const CliResult d = run_cli(args);
  ASSERT_EQ(f.code, 0) << f.err;
  ASSERT_EQ(d.code, 0) << d.err;
  const auto rf = lines(f.out), rd = lines(d.out);
  ASSERT_EQ(rf.size(), 52u);
  EXPECT_TRUE(all_floats(rf));
  EXPECT_FALSE(all_floats(rd));
  EXPECT_NE(rf.back(), rd.back());
  const objective::Rosenbrock rosenbrock;
  const float lr = 0.0005f;
  for (std::size_t k = 1; k + 1 < rf.size(); ++k) {
    const auto row = fields(rf[k]), next = fields(rf[k + 1]);
    const float xf[2] = {float_number(row[1]), float_number(row[2])};
    const std::vector<double> x{xf[0], xf[1]};
    std::vector<double> g(2);
    rosenbrock.gradient(x, g);
    for (int i = 0; i < 2; ++i) {
      const float xi = xf[i], gi = static_cast<float>(g[i]);
      const float plain = xi - lr * gi, fused = std::fma(-lr, gi, xi);
      const float got = float_number(next[i + 1]);
      EXPECT_TRUE(got == plain || got == fused) << "row " << k << " coordinate " << i;
    }
    EXPECT_NEAR(number(row[1]), number(fields(rd[k])[1]), 1e-4);  // close to the double path
  }
  EXPECT_EQ(run_cli(args + " --dtype float").out, f.out);  // deterministic
}

// lr lives in a double whatever the parameters' type (torch's param_groups hold Python floats).
TEST(ScheduleDtype, FloatOptimizerGivesTheSameSchedule) {
  const std::string args =
      R"(schedule '{"name":"onecycle","max_lr":0.1,"total_steps":50}' --lr 0.1 --steps 50)";
  const CliResult f = run_cli(args + " --dtype float");
  const CliResult d = run_cli(args + " --dtype double");
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_EQ(f.out, d.out);
  EXPECT_EQ(lines(f.out).size(), 51u);
  expect_error(run_cli(args + " --dtype int"), "--dtype");
}

}  // namespace
}  // namespace descent::test
