// The course's experiments (`descent compare --experiment NAME`): each one's qualitative outcome,
// read from the table (compare.json) and the runs / paths it leaves; never its timings. Training
// experiments run here with fewer epochs than their course setup, to stay quick.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "descent/report/run_data.hpp"
#include "support/cli.hpp"

namespace {

namespace fs = std::filesystem;
using descent::read_file;
using descent::test::run_cli;
using nlohmann::json;

struct Experiment {
  fs::path dir;
  json table;  // compare.json
  std::string out;
  const json& row(std::size_t i) const { return table["rows"].at(i); }
};

/// Runs `descent compare --experiment NAME EXTRA` into a fresh directory; fails on a non-zero exit.
Experiment run_experiment(const std::string& name, const std::string& extra = "") {
  Experiment e;
  e.dir = descent::test::scratch_dir() / name;
  const auto r = run_cli("compare --experiment " + name + " --out " + e.dir.string() + " " + extra);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  e.out = r.out;
  e.table = json::parse(read_file(e.dir / "compare.json"));
  return e;
}

/// A path CSV (step,x0,...,f,grad_norm) as rows of numbers.
std::vector<std::vector<double>> read_path(const fs::path& file) {
  const auto table = descent::report::parse_table(read_file(file), file.string());
  std::vector<std::vector<double>> rows(table.rows());
  for (std::size_t i = 0; i < table.rows(); ++i)
    for (const auto& c : table.columns) rows[i].push_back(c[i]);
  return rows;
}

/// The figure, unless gnuplot is missing (then the run says so).
void expect_figure(const Experiment& e, const std::string& name) {
  if (e.out.find("no plots: gnuplot is not installed") != std::string::npos) {
    std::cout << "gnuplot absent: " << name << ".svg not checked\n";
    return;
  }
  EXPECT_TRUE(fs::is_regular_file(e.dir / "plots" / (name + ".svg"))) << e.out;
  EXPECT_TRUE(fs::is_regular_file(e.dir / "plots" / (name + ".gp")));
}

TEST(Experiments, BatchModesBatchLossIsSmoothAndSgdIsNoisy) {
  const auto e = run_experiment("batch-modes", "--epochs 3 -j 2");
  ASSERT_EQ(e.table["rows"].size(), 3u);
  const auto bgd = descent::report::load_run(e.row(0)["run"].get<std::string>());
  const auto sgd = descent::report::load_run(e.row(1)["run"].get<std::string>());
  const auto& bgd_loss = *bgd.steps.column("loss");
  const auto& sgd_loss = *sgd.steps.column("loss");
  ASSERT_EQ(bgd_loss.size(), 3u);  // one step per epoch
  for (std::size_t i = 1; i < bgd_loss.size(); ++i) EXPECT_LT(bgd_loss[i], bgd_loss[i - 1]);
  std::size_t rises = 0;
  for (std::size_t i = 1; i < sgd_loss.size(); ++i) rises += sgd_loss[i] > sgd_loss[i - 1];
  EXPECT_GT(sgd_loss.size(), 2000u);  // one step per row
  EXPECT_GT(rises, sgd_loss.size() / 4) << "SGD's per-sample loss should go up and down";
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(e.row(i)["outcome"], "ok");
  expect_figure(e, "batch-modes");
}

TEST(Experiments, LrSensitivityTheLargestRateDiverges) {
  const auto e = run_experiment("lr-sensitivity", "--epochs 8 -j 2");
  ASSERT_EQ(e.table["rows"].size(), 4u);
  EXPECT_EQ(e.row(0)["variant"], "optimizer.lr=0.001");
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(e.row(i)["outcome"], "ok") << i;
  EXPECT_EQ(e.row(3)["outcome"].get<std::string>().rfind("diverged at step ", 0), 0u)
      << e.row(3).dump();
  EXPECT_GT(e.row(3)["diverged at step"].get<double>(), 0);
  // 0.001 is slow: after 8 epochs its loss is far above that of 0.01 and 0.1.
  EXPECT_GT(e.row(0)["final train_loss"].get<double>(),
            10 * e.row(1)["final train_loss"].get<double>());
  EXPECT_LT(e.row(2)["final train_loss"].get<double>(), 0.01);
  expect_figure(e, "lr-sensitivity");
}

TEST(Experiments, DecayEndsBelowTheFixedRate) {
  const auto e = run_experiment("decay", "--epochs 15 -j 2");
  ASSERT_EQ(e.table["rows"].size(), 2u);
  EXPECT_EQ(e.row(1)["variant"], R"(schedule={"name":"exponential","gamma":0.9})");
  EXPECT_LT(e.row(1)["final train_loss"].get<double>(), e.row(0)["final train_loss"].get<double>());
  EXPECT_LT(e.row(1)["final val_loss"].get<double>(), e.row(0)["final val_loss"].get<double>());
  EXPECT_EQ(e.table["target"], 0.0009);
  EXPECT_TRUE(e.row(1)["epochs to val_loss 0.0009"].is_number());
}

TEST(Experiments, ClippingKeepsTheDivergingRateBounded) {
  const auto e = run_experiment("clipping", "-j 2");
  ASSERT_EQ(e.table["rows"].size(), 2u);
  EXPECT_EQ(e.row(0)["outcome"].get<std::string>().rfind("diverged", 0), 0u) << e.row(0).dump();
  EXPECT_EQ(e.row(1)["outcome"], "ok");
  EXPECT_LT(100 * e.row(1)["final train_loss"].get<double>(),
            e.row(0)["final train_loss"].get<double>());
}

TEST(Experiments, WarmupTrainsBetterAtALargeRate) {
  const auto e = run_experiment("warmup", "-j 2");
  ASSERT_EQ(e.table["rows"].size(), 2u);
  EXPECT_LT(2 * e.row(1)["final train_loss"].get<double>(),
            e.row(0)["final train_loss"].get<double>());
}

TEST(Experiments, MomentumFormsBeatPlainGradientDescent) {
  const auto e = run_experiment("momentum");
  ASSERT_EQ(e.table["rows"].size(), 4u);
  const double plain = e.row(0)["distance to minimum"].get<double>();
  for (std::size_t i = 1; i < 4; ++i)
    EXPECT_LT(10 * e.row(i)["distance to minimum"].get<double>(), plain) << i;
  // torch's form (b = mu b + g; p -= lr b) and the CS231n form (v = mu v - lr g; p += v) take the
  // same path at a constant lr.
  const auto torch = read_path(e.row(1)["path"].get<std::string>());
  const auto cs231n = read_path(e.row(2)["path"].get<std::string>());
  ASSERT_EQ(torch.size(), cs231n.size());
  for (std::size_t k = 0; k < torch.size(); ++k)
    for (std::size_t j = 1; j <= 2; ++j) EXPECT_NEAR(torch[k][j], cs231n[k][j], 1e-12);
  expect_figure(e, "momentum");
}

TEST(Experiments, OptimizersAllBeatPlainSgdOnBothFunctions) {
  const auto e = run_experiment("optimizers", "-j 2");
  ASSERT_EQ(e.table["rows"].size(), 12u);  // 2 functions x 6 optimizers
  for (std::size_t f = 0; f < 2; ++f) {
    const double sgd = e.row(6 * f)["distance to minimum"].get<double>();
    for (std::size_t i = 1; i < 6; ++i)
      EXPECT_LT(e.row(6 * f + i)["distance to minimum"].get<double>(), sgd)
          << e.row(6 * f + i).dump();
  }
  expect_figure(e, "optimizers_rosenbrock");
  expect_figure(e, "optimizers_ill-conditioned");
}

TEST(Experiments, Quadratic1dSlowFastAndDivergingOscillation) {
  const auto e = run_experiment("quadratic-1d");
  ASSERT_EQ(e.table["rows"].size(), 3u);
  const auto slow = read_path(e.row(0)["path"].get<std::string>());
  const auto fast = read_path(e.row(1)["path"].get<std::string>());
  const auto wild = read_path(e.row(2)["path"].get<std::string>());
  // x_{t+1} = (1 - 2 alpha) x_t from x0 = -6: 0.9^t, 0 after one step, (-1.4)^t.
  for (std::size_t t = 1; t < slow.size(); ++t) {
    EXPECT_NEAR(slow[t][1], 0.9 * slow[t - 1][1], 1e-12);
    EXPECT_LT(slow[t][1], 0);  // monotone, never crosses the minimum
    EXPECT_EQ(fast[t][1], 0);
    EXPECT_NEAR(wild[t][1], -1.4 * wild[t - 1][1], 1e-9 * std::abs(wild[t][1]));
  }
  EXPECT_EQ(e.row(1)["steps to tol 1e-06"], 1);
  EXPECT_EQ(e.row(2)["outcome"].get<std::string>().rfind("diverged at step", 0), 0u);
  EXPECT_EQ(e.row(0)["outcome"], "not within tol");
  expect_figure(e, "quadratic-1d");
  expect_figure(e, "quadratic-1d_stability");
}

TEST(Experiments, HimmelblauFourStartsEndAtFourMinima) {
  const auto e = run_experiment("himmelblau");
  ASSERT_EQ(e.table["rows"].size(), 4u);
  const std::vector<std::vector<double>> minima = {{3.0, 2.0},
                                                   {-2.805118086952745, 3.131312518250573},
                                                   {-3.779310253377747, -3.2831859912861696},
                                                   {3.5844283403304917, -1.8481265269644036}};
  std::vector<bool> reached(4, false);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto path = read_path(e.row(i)["path"].get<std::string>());
    const auto& end = path.back();
    for (std::size_t m = 0; m < 4; ++m)
      if (std::hypot(end[1] - minima[m][0], end[2] - minima[m][1]) < 1e-6) reached[m] = true;
    EXPECT_EQ(e.row(i)["outcome"], "converged");
  }
  for (std::size_t m = 0; m < 4; ++m) EXPECT_TRUE(reached[m]) << "minimum " << m;
  expect_figure(e, "himmelblau");
}

TEST(Experiments, SaddleStallsWithoutMomentumAndEscapesWithIt) {
  const auto e = run_experiment("saddle");
  ASSERT_EQ(e.table["rows"].size(), 2u);
  const auto gd = read_path(e.row(0)["path"].get<std::string>());
  const auto momentum = read_path(e.row(1)["path"].get<std::string>());
  EXPECT_LT(std::hypot(gd.back()[1], gd.back()[2]), 0.2);  // still by the saddle at (0, 0)
  EXPECT_LT(std::abs(gd.back()[2]), 0.01);
  EXPECT_GT(std::abs(momentum.back()[2]), 1.0);  // gone down the y direction
  EXPECT_LT(momentum.back()[3], -1.0);
}

TEST(Experiments, LrRangeTestDivergesAndSuggestsBelowIt) {
  const auto e = run_experiment("lr-range-test");
  ASSERT_EQ(e.table["rows"].size(), 1u);
  const auto& row = e.row(0);
  EXPECT_EQ(row["diverged"], "yes");
  EXPECT_LT(row["suggested lr (steepest)"].get<double>(), row["lr reached"].get<double>());
  EXPECT_LT(row["lr at min loss / 10"].get<double>(), row["lr reached"].get<double>());
  EXPECT_TRUE(fs::is_regular_file(e.dir / "lr_find.csv"));
  EXPECT_TRUE(fs::is_regular_file(e.dir / "lr_find.html"));
  expect_figure(e, "lr-range-test");
}

TEST(Experiments, ListNamesEveryExperiment) {
  const auto r = run_cli("compare --list");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* name :
       {"batch-modes", "lr-sensitivity", "decay", "clipping", "warmup", "momentum", "optimizers",
        "quadratic-1d", "himmelblau", "saddle", "lr-range-test"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
}

}  // namespace
