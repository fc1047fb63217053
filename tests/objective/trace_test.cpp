// `descent trace` end to end: trajectories against torch.optim's (tests/golden/trace.json, written
// by tools/golden/trace.py), the CSV format, the summary table, and one-line errors.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/atomic_file.hpp"
#include "descent/objective/test_functions.hpp"
#include "support/cli.hpp"
#include "support/golden.hpp"

namespace descent::test {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
  return parts;
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Csv parse_csv(const std::string& text) {
  Csv csv;
  auto lines = split(text, '\n');
  if (lines.empty()) return csv;
  csv.header = split(lines[0], ',');
  for (std::size_t i = 1; i < lines.size(); ++i) csv.rows.push_back(split(lines[i], ','));
  return csv;
}

std::string trace_args(const nlohmann::json& c) {
  return fmt::format("trace --function {} --x0={} --optimizer '{}' --steps {}",
                     c["function"].get<std::string>(),
                     fmt::join(c["x0"].get<std::vector<double>>(), ","), c["optimizer"].dump(),
                     c["steps"].get<int>());
}

// x is compared relatively (1e-10). f and ||grad f|| are compared relatively above 1 and
// absolutely (1e-10) below: near a minimum both come out of cancellations between terms of order
// 1..100, so their rounding error is absolute (~1e-14 for a 1-ulp difference in x).
TEST(TraceGolden, MatchesTorchTrajectories) {
  const auto golden = load_golden("trace.json");
  ASSERT_GE(golden["cases"].size(), 28u);
  double worst_x = 0, worst_f = 0;
  for (const auto& c : golden["cases"]) {
    const auto dir = scratch_dir();
    const auto file = dir / "trace.csv";
    const std::string args = trace_args(c);
    const CliResult r = run_cli(args + " --csv " + file.string());
    ASSERT_EQ(r.code, 0) << args << "\n" << r.err;
    EXPECT_EQ(r.out, "");
    const Csv csv = parse_csv(read_file(file));
    EXPECT_EQ(csv.header, (std::vector<std::string>{"step", "x0", "x1", "f", "grad_norm", "lr"}));
    const auto& expected = c["rows"];
    ASSERT_EQ(csv.rows.size(), expected.size()) << args;
    const double lr = c["optimizer"]["lr"].get<double>();
    for (std::size_t k = 0; k < expected.size(); ++k) {
      const auto& row = csv.rows[k];
      ASSERT_EQ(row.size(), 6u);
      EXPECT_EQ(row[0], std::to_string(k));
      EXPECT_EQ(number(row[5]), lr);
      for (std::size_t j = 0; j < 4; ++j) {
        const double a = number(row[j + 1]), e = expected[k][j].get<double>();
        const bool is_x = j < 2;
        const double floor = is_x ? 1e-300 : 1.0;
        ASSERT_TRUE(close(a, e, 1e-10, floor))
            << args << "\nstep " << k << ", column " << csv.header[j + 1];
        (is_x ? worst_x : worst_f) =
            std::max(is_x ? worst_x : worst_f, std::abs(a - e) / std::max(std::abs(e), floor));
      }
    }
    std::filesystem::remove_all(dir);
  }
  RecordProperty("worst_x_relative_error", fmt::format("{:.3g}", worst_x));
  RecordProperty("worst_f_gradnorm_error", fmt::format("{:.3g}", worst_f));
}

TEST(Trace, CsvToStdoutUsesShortestRoundTripNumbers) {
  const CliResult r = run_cli(
      R"(trace --function rosenbrock --x0=-1.5,2 --optimizer '{"name":"adam","lr":0.02}' --steps 20 --csv -)");
  ASSERT_EQ(r.code, 0) << r.err;
  const Csv csv = parse_csv(r.out);
  ASSERT_EQ(csv.rows.size(), 21u);
  EXPECT_EQ(csv.rows[0],
            (std::vector<std::string>{"0", "-1.5", "2", "12.5", csv.rows[0][4], "0.02"}));
  for (const auto& row : csv.rows)
    for (const auto& cell : row) EXPECT_EQ(fmt::format("{}", number(cell)), cell);
}

TEST(Trace, DefaultOutputIsCsvOnStdoutAndDefaultStartIsTheFunctions) {
  const CliResult r = run_cli("trace --function rosenbrock --optimizer sgd --steps 0");
  ASSERT_EQ(r.code, 0) << r.err;
  const Csv csv = parse_csv(r.out);
  ASSERT_EQ(csv.rows.size(), 1u);
  EXPECT_EQ(csv.rows[0][1], "-1.2");  // Rosenbrock's usual start (-1.2, 1)
  EXPECT_EQ(csv.rows[0][2], "1");
}

TEST(Trace, FunctionParametersAndDimension) {
  CliResult r =
      run_cli("trace --function ill-conditioned --param k=100 --x0 1,1 --optimizer sgd --steps 0");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(parse_csv(r.out).rows[0][3], "50.5");  // 0.5*(1 + 100*1)
  r = run_cli("trace --function rastrigin --param n=3 --optimizer sgd --steps 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(parse_csv(r.out).header,
            (std::vector<std::string>{"step", "x0", "x1", "x2", "f", "grad_norm", "lr"}));
}

// Plain gradient descent on f = a*x^2: x_k = (1 - 2*a*lr)^k * x_0 (hand-derived; exact here since
// 1 - 2*0.5*0.25 = 0.75 and 0.75^k * 4 are representable for small k).
TEST(Trace, GradientDescentOnTheQuadraticFollowsTheClosedForm) {
  const CliResult r = run_cli(
      R"(trace --function quadratic --param a=0.5 --x0 4 --optimizer '{"name":"sgd","lr":0.25}' --steps 5)");
  ASSERT_EQ(r.code, 0) << r.err;
  const Csv csv = parse_csv(r.out);
  double x = 4;
  for (std::size_t k = 0; k <= 5; ++k, x *= 0.75) {
    EXPECT_EQ(number(csv.rows[k][1]), x);
    EXPECT_EQ(number(csv.rows[k][2]), 0.5 * x * x);  // f
    EXPECT_EQ(number(csv.rows[k][3]), x);            // |f'| = |2*a*x| = x
  }
}

TEST(Trace, SummaryHasOneRowPerOptimizerMatchingTheCsvRuns) {
  const std::string common = "trace --function rosenbrock --x0=-1.5,2 --steps 300 ";
  const std::string adam = R"({"name":"adam","lr":0.02})", sgd = R"({"name":"sgd","lr":0.0005})";
  const CliResult r =
      run_cli(common + "--summary --optimizer '" + adam + "' --optimizer '" + sgd + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = split(r.out, '\n');
  ASSERT_EQ(lines.size(), 4u) << r.out;  // the table, then the sharpness at x0
  EXPECT_EQ(lines[0].rfind("optimizer", 0), 0u);
  EXPECT_EQ(lines[3].rfind("sharpness at x0: lambda_max = 2092.2", 0), 0u) << lines[3];
  for (const auto& [line, spec] : {std::pair{lines[1], adam}, std::pair{lines[2], sgd}}) {
    EXPECT_EQ(line.rfind(spec, 0), 0u) << line;
    const Csv csv = parse_csv(run_cli(common + "--optimizer '" + spec + "'").out);
    const auto& last = csv.rows.back();
    EXPECT_NE(line.find(fmt::format("({}, {})", last[1], last[2])), std::string::npos) << line;
    EXPECT_NE(line.find(last[3]), std::string::npos) << line;
    const double dx = number(last[1]) - 1, dy = number(last[2]) - 1;  // minimum (1, 1)
    EXPECT_NE(line.find(fmt::format("{}", std::sqrt(dx * dx + dy * dy))), std::string::npos)
        << line;
  }
}

TEST(Trace, SaddleSummarySaysThereIsNoMinimum) {
  const CliResult r = run_cli("trace --function saddle --optimizer sgd --steps 3 --summary");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("no known minimum"), std::string::npos) << r.out;
}

/// One line on stderr, containing `text`.
void expect_one_line_error(const CliResult& r, int code, const std::string& text) {
  EXPECT_EQ(r.code, code) << r.err;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(TraceErrors, BadInputIsOneLineAndExitCode2) {
  expect_one_line_error(run_cli("trace --function rosenbrok --optimizer sgd --steps 3"), 2,
                        "unknown function 'rosenbrok' (hint: did you mean 'rosenbrock'?");
  expect_one_line_error(run_cli("trace --function rosenbrock --x0 1,a --optimizer sgd --steps 3"),
                        2, "--x0: 'a' is not a finite number");
  expect_one_line_error(run_cli("trace --function rosenbrock --x0 1 --optimizer sgd --steps 3"), 2,
                        "start point has 1 coordinates, the function has 2");
  expect_one_line_error(
      run_cli(R"(trace --function rosenbrock --optimizer '{"name":"adam",' --steps 3)"), 2,
      "malformed JSON");
  expect_one_line_error(
      run_cli(R"(trace --function rosenbrock --optimizer '{"name":"adam","lrr":1}' --steps 3)"), 2,
      "adam.lrr: unknown option 'lrr'");
  expect_one_line_error(
      run_cli("trace --function ill-conditioned --param kappa=3 --optimizer sgd --steps 3"), 2,
      "ill-conditioned.kappa");
  expect_one_line_error(
      run_cli("trace --function rosenbrock --optimizer sgd --optimizer adam --steps 3"), 2,
      "compare several with --summary");
}

// The step at which plain gradient descent x -= lr*grad f(x) from (-1.5, 2) with lr = 0.01 first
// has a non-finite f, found by iterating the update here.
std::int64_t first_nonfinite_step(double lr) {
  objective::Rosenbrock f;
  std::vector<double> x{-1.5, 2}, g(2);
  for (std::int64_t k = 1; k < 1000; ++k) {
    f.gradient(x, g);
    for (int i = 0; i < 2; ++i) x[i] -= lr * g[i];
    if (!std::isfinite(f.value(x))) return k;
  }
  return -1;
}

// The path up to the divergence is kept: rows 0..k-1 (the last finite point), then exit 1 naming
// step k. The hint is the 2/L rule at the start point: Rosenbrock's Hessian at (-1.5, 2) is
// [[2 - 400 y + 1200 x^2, -400 x], [-400 x, 200]] = [[1902, 600], [600, 200]].
TEST(TraceErrors, DivergenceNamesTheStepExitsWith1AndKeepsThePath) {
  const std::int64_t k = first_nonfinite_step(0.01);
  ASSERT_GT(k, 0);
  const auto dir = scratch_dir();
  const CliResult r = run_cli(
      R"(trace --function rosenbrock --x0=-1.5,2 --optimizer '{"name":"sgd","lr":0.01}' --steps 100 --csv )" +
      (dir / "t.csv").string());
  expect_one_line_error(r, 1, fmt::format("step {}: f = ", k));
  const double lambda = (1902 + 200 + std::sqrt((1902 - 200) * (1902 - 200) + 4 * 600 * 600)) / 2;
  EXPECT_NE(r.err.find(fmt::format("gradient descent is stable for lr < 2/lambda_max = {:.6g}",
                                   2 / lambda)),
            std::string::npos)
      << r.err;
  const Csv csv = parse_csv(read_file(dir / "t.csv"));
  ASSERT_EQ(csv.rows.size(), static_cast<std::size_t>(k));
  EXPECT_EQ(csv.rows.back()[0], std::to_string(k - 1));
  EXPECT_TRUE(std::isfinite(std::stod(csv.rows.back()[3])));  // f at the last kept point
}

// An ill-conditioned quadratic f = (x^2 + k y^2)/2: lambda_max = k exactly, so 2/L = 2/k; gradient
// descent just above it diverges, and the hint says so.
TEST(Trace, SharpnessOfTheIllConditionedQuadraticIsExactly2OverL) {
  const auto dir = scratch_dir();
  CliResult r = run_cli(
      R"(trace --function ill-conditioned --param k=50 --optimizer '{"name":"sgd","lr":0.039}' --steps 50 --summary)");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("lambda_max = 50, gradient descent is stable for lr < 2/lambda_max = 0.04"),
            std::string::npos)
      << r.out;
  r = run_cli(
      R"(trace --function ill-conditioned --param k=50 --optimizer '{"name":"sgd","lr":0.041}' --steps 100000 --csv )" +
      (dir / "q.csv").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("2/lambda_max = 0.04 (lambda_max = 50"), std::string::npos) << r.err;
}

TEST(TraceErrors, SummaryMarksTheDivergedRunAndStillFails) {
  const CliResult r = run_cli(
      R"(trace --function rosenbrock --x0=-1.5,2 --steps 100 --summary --optimizer '{"name":"sgd","lr":0.01}' --optimizer '{"name":"sgd","lr":0.0001}')");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("diverged"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sharpness at x0: lambda_max = "), std::string::npos) << r.out;
  EXPECT_EQ(split(r.out, '\n').size(), 4u) << r.out;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
}

// L-BFGS through `descent trace` (the tracer hands it a closure): the iterates of torch's LBFGS
// with strong Wolfe on Rosenbrock from (-1.2, 1) (tests/golden/lbfgs.json, tools/golden/lbfgs.py).
TEST(Trace, LbfgsFollowsTorch) {
  const auto golden = load_golden("lbfgs.json");
  const nlohmann::json* expected = nullptr;
  for (const auto& c : golden["cases"])
    if (c["function"] == "rosenbrock" && c["start"] == nlohmann::json{-1.2, 1.0} &&
        c["options"] == nlohmann::json{{"line_search_fn", "strong_wolfe"}})
      expected = &c;
  ASSERT_NE(expected, nullptr);
  const auto& steps = (*expected)["steps"];
  const CliResult r = run_cli(fmt::format(
      R"(trace --function rosenbrock --x0=-1.2,1 --optimizer '{{"name":"lbfgs","line_search_fn":"strong_wolfe"}}' --steps {})",
      steps.size()));
  ASSERT_EQ(r.code, 0) << r.err;
  const Csv csv = parse_csv(r.out);
  ASSERT_EQ(csv.rows.size(), steps.size() + 1);
  for (std::size_t k = 0; k < steps.size(); ++k)
    for (std::size_t i = 0; i < 2; ++i)
      EXPECT_TRUE(close(number(csv.rows[k + 1][i + 1]), steps[k]["x"][i].get<double>(), 1e-9))
          << "step " << k + 1;
}

// Newton through `descent trace` uses the function's Hessian: on Rosenbrock from (-1.2, 1) it
// reaches (1, 1) in a few steps (quadratic convergence); on the saddle the Hessian is indefinite,
// a one-line error with exit code 1 (a failure during the run).
TEST(Trace, NewtonUsesTheFunctionsHessian) {
  CliResult r = run_cli("trace --function rosenbrock --optimizer newton --steps 7");
  ASSERT_EQ(r.code, 0) << r.err;
  const Csv csv = parse_csv(r.out);
  ASSERT_EQ(csv.rows.size(), 8u);
  EXPECT_NEAR(number(csv.rows[7][1]), 1.0, 1e-12);
  EXPECT_NEAR(number(csv.rows[7][2]), 1.0, 1e-12);
  r = run_cli("trace --function saddle --optimizer newton --steps 3");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not positive definite at step 1"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  r = run_cli(R"(trace --function saddle --optimizer '{"name":"newton","damping":3}' --steps 1)");
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(Functions, ListsTheZoo) {
  const CliResult r = run_cli("functions");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* name : {"quadratic", "ill-conditioned", "saddle", "rosenbrock", "himmelblau",
                           "beale", "booth", "rastrigin", "ackley"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  const CliResult j = run_cli("functions --json");
  ASSERT_EQ(j.code, 0) << j.err;
  EXPECT_EQ(nlohmann::json::parse(j.out).size(), 9u);
}

}  // namespace
}  // namespace descent::test
