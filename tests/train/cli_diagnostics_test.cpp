// Diagnostics of `descent train` and `descent lr-find` end to end: divergence warned while the run
// goes on and a failed run's summary.json and report, sharpness in steps.csv, start-of-training
// checks, the LR range test's figure.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "descent/report/gnuplot.hpp"
#include "descent/report/run_data.hpp"
#include "support/cli.hpp"

namespace descent::test {
namespace {

namespace fs = std::filesystem;

const std::string kLinear = "train --data synthetic:linear --samples 200 --model linear ";

// Full-batch gradient descent at lr 5 on least squares whose lambda_max is about 2: the error
// grows ~9x per step until the float loss overflows.
TEST(CliDiagnostics, ADivergingRunWarnsThenFailsWithItsSummaryAndReport) {
  const auto dir = scratch_dir() / "run";
  const auto r = run_cli(kLinear +
                         "--batch-size 0 --epochs 500 --progress lines --optimizer "
                         "'{\"name\":\"sgd\",\"lr\":5}' --out " +
                         dir.string());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  // Plain SGD above 2/lambda_max is warned before the first step.
  const auto start = r.out.find("warning: sharpness at the start: lambda_max = ");
  ASSERT_NE(start, std::string::npos) << r.out;
  EXPECT_LT(r.out.find("(lr is 5: above it, expect the loss to diverge)", start),
            r.out.find('\n', start));
  const auto warning = r.out.find("warning: step ");
  ASSERT_NE(warning, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("diverging?", warning), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("gradient descent is stable for lr < 2/lambda_max = "), std::string::npos)
      << r.err;
  const auto summary = nlohmann::json::parse(read_file(dir / "summary.json"));
  EXPECT_TRUE(summary.value("failed", false));
  EXPECT_EQ(summary["stop_reason"].get<std::string>().rfind("failed: ", 0), 0u);
  const auto step = summary["failed_step"].get<std::int64_t>();
  EXPECT_GT(step, 5);
  EXPECT_EQ(summary["last_finite"]["step"].get<std::int64_t>(), step - 1);
  EXPECT_TRUE(std::isfinite(summary["last_finite"]["loss"].get<double>()));
  EXPECT_EQ(summary["final"]["epoch"].get<double>(), double(step - 1));  // one step per epoch
  ASSERT_TRUE(summary.contains("notices"));
  bool warned = false;
  for (const auto& n : summary["notices"]) warned |= n["warning"].get<bool>() && n["step"] > 0;
  EXPECT_TRUE(warned) << summary.dump();
  const auto html = read_file(dir / "report.html");
  EXPECT_NE(html.find(fmt::format("the run failed at step {}", step)), std::string::npos);
  EXPECT_NE(html.find("diverging?"), std::string::npos);
}

// A run that fails in its first epoch still leaves summary.json, steps.csv and report.html.
TEST(CliDiagnostics, ARunFailingInItsFirstEpochStillReports) {
  const auto dir = scratch_dir() / "run";
  const auto r = run_cli(kLinear +
                         "--batch-size 5 --epochs 1 --progress none --log-steps "
                         "--optimizer '{\"name\":\"sgd\",\"lr\":20}' --out " +
                         dir.string());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const auto summary = nlohmann::json::parse(read_file(dir / "summary.json"));
  EXPECT_EQ(summary["epochs_run"], 0);
  const auto steps = report::parse_table(read_file(dir / "steps.csv"), "steps.csv");
  EXPECT_EQ(static_cast<std::int64_t>(steps.rows()),
            summary["failed_step"].get<std::int64_t>() - 1);
  EXPECT_TRUE(fs::is_regular_file(dir / "report.html")) << r.out;
}

TEST(CliDiagnostics, SharpnessEveryLogsLambdaBesideLr) {
  const auto dir = scratch_dir() / "run";
  const auto r = run_cli(kLinear +
                         "--batch-size 50 --epochs 2 --progress none "
                         "--sharpness-every 2 --out " +
                         dir.string());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto steps = report::parse_table(read_file(dir / "steps.csv"), "steps.csv");
  const auto* lambda = steps.column("lambda_max");
  const auto* stable = steps.column("two_over_lambda_max");
  ASSERT_TRUE(lambda && stable && steps.column("lr"));
  ASSERT_EQ(steps.rows(), 4u);  // steps 2, 4, 6, 8
  for (std::size_t i = 0; i < steps.rows(); ++i) EXPECT_EQ((*stable)[i], 2 / (*lambda)[i]);
  const auto epochs = report::parse_table(read_file(dir / "metrics.csv"), "metrics.csv");
  EXPECT_TRUE(epochs.column("lambda_max"));
}

TEST(CliDiagnostics, ZeroInitOfAnMlpWarnsAndDeadUnitsAreLogged) {
  const auto dir = scratch_dir() / "run";
  const auto r = run_cli(
      "train --data synthetic:blobs --samples 200 --model mlp:8 --init zeros --epochs 1 "
      "--progress none --out " +
      dir.string());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("warning: the 8 units of layer 0 start identical"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("check: initial loss "), std::string::npos) << r.out;
  const auto epochs = report::parse_table(read_file(dir / "metrics.csv"), "metrics.csv");
  ASSERT_TRUE(epochs.column("dead_relu_1"));
}

// A constant target is refused before any output (a single class already was).
TEST(CliDiagnostics, AConstantTargetIsRefused) {
  const auto dir = scratch_dir();
  std::string csv = "a,b,y\n";
  for (int i = 0; i < 20; ++i) csv += fmt::format("{},{},1.5\n", i, i * i);
  write_file_atomic(dir / "c.csv", csv);
  const auto r = run_cli("train --data " + (dir / "c.csv").string() +
                         " --target y --progress none --out " + (dir / "run").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("the target 'y' is constant (1.5 in every row)"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_FALSE(fs::exists(dir / "run"));
}

TEST(CliDiagnostics, LrFindDrawsTheCurveWithItsSuggestions) {
  if (report::find_gnuplot().empty()) GTEST_SKIP() << "gnuplot is not installed";
  const auto dir = scratch_dir();
  const auto r = run_cli(
      "lr-find --data synthetic:blobs --samples 200 --model linear --batch-size 16 --steps 40 "
      "--smoothing 0.9 --diverge-factor 5 --csv " +
      (dir / "curve.csv").string());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(valley"), std::string::npos) << r.out;
  const auto svg = read_file(dir / "curve.svg");
  EXPECT_NE(svg.find("valley "), std::string::npos);
  EXPECT_NE(svg.find("steepest "), std::string::npos);
  EXPECT_TRUE(fs::is_regular_file(dir / "curve.gp"));
}

}  // namespace
}  // namespace descent::test
