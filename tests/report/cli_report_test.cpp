// The views `descent train` leaves (report.html, plots/ with .gp and .dat, TensorBoard events), and
// `descent report`: overlays named by the differing config keys, bad input as one line, exit 2 and
// no file.
#include <iostream>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "support/cli.hpp"

namespace {

namespace fs = std::filesystem;
using descent::read_file;
using descent::test::run_cli;

const std::string kReportRun =
    "train --data synthetic:blobs --samples 200 --model mlp:8 --epochs 3 --val-split 0.2 "
    "--test-split 0.2 --progress none ";

std::size_t lines(const std::string& s) {
  return std::count(s.begin(), s.end(), '\n');
}

TEST(CliReport, TrainLeavesReportPlotsAndEvents) {
  const auto dir = descent::test::scratch_dir();
  const auto r = run_cli(kReportRun + "--log-steps --out " + (dir / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = read_file(dir / "run" / "report.html");
  EXPECT_NE(html.find("<h1>descent run <code>run</code></h1>"), std::string::npos);
  EXPECT_NE(html.find("Confusion matrix (test split)"), std::string::npos);
  EXPECT_NE(html.find("<details class=\"config\">"), std::string::npos);
  // The exact values of metrics.csv are in the page's data (the interactive page; without uPlot
  // the page shows the static plots and says how to get it).
  const bool interactive = html.find("Static plots only") == std::string::npos;
  if (!interactive) std::cout << "uPlot absent: the page's data is not checked\n";
  const std::string metrics = read_file(dir / "run" / "metrics.csv");
  const std::string second_row = metrics.substr(metrics.find('\n') + 1);
  const std::string first_cell_after_epoch = second_row.substr(2, second_row.find(',', 2) - 2);
  if (interactive) {
    EXPECT_NE(html.find(first_cell_after_epoch), std::string::npos) << first_cell_after_epoch;
  }
  bool events = false;
  for (const auto& e : fs::directory_iterator(dir / "run"))
    events |= e.path().filename().string().rfind("events.out.tfevents.", 0) == 0;
  EXPECT_TRUE(events);
  if (r.out.find("no plots: gnuplot is not installed") != std::string::npos)
    GTEST_SKIP() << "gnuplot is not installed: plots/ not checked";
  for (const char* name : {"loss", "accuracy", "lr", "steps_loss", "steps_grad_norm"}) {
    for (const char* ext : {".svg", ".gp", ".dat"})
      EXPECT_TRUE(fs::exists(dir / "run" / "plots" / (std::string(name) + ext))) << name << ext;
    EXPECT_FALSE(fs::exists(dir / "run" / "plots" / (std::string(name) + ".png")));  // on request
  }
  const std::string svg = read_file(dir / "run" / "plots" / "loss.svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("train_loss"), std::string::npos);
  EXPECT_NE(svg.find("val_loss"), std::string::npos);
  // The script redraws the plot from its .dat on its own (what a user restyling it does).
  fs::remove(dir / "run" / "plots" / "loss.svg");
  ASSERT_EQ(std::system(("cd " + (dir / "run" / "plots").string() + " && gnuplot loss.gp").c_str()),
            0);
  EXPECT_TRUE(fs::exists(dir / "run" / "plots" / "loss.svg"));
}

// Regression: predictions.csv holds the test split's (actual, predicted) pairs in the data's
// units; the test MSE recomputed from them is summary.json's, and the report plots them.
TEST(CliReport, RegressionLeavesPredictedVsActual) {
  const auto dir = descent::test::scratch_dir();
  const auto r = run_cli(
      "train --data synthetic:linear --samples 400 --model linear --epochs 20 --test-split 0.25 "
      "--optimizer '{\"name\":\"sgd\",\"lr\":0.05}' --progress none --out " +
      (dir / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto summary = nlohmann::json::parse(read_file(dir / "run" / "summary.json"));
  ASSERT_TRUE(summary.contains("predictions")) << summary.dump();
  EXPECT_EQ(summary["predictions"]["split"], "test");
  const auto rows = summary["predictions"]["rows"].get<std::size_t>();
  EXPECT_EQ(rows, 100u);
  const std::string csv = read_file(dir / "run" / "predictions.csv");
  ASSERT_EQ(csv.substr(0, csv.find('\n')), "actual,predicted");
  std::istringstream in(csv.substr(csv.find('\n') + 1));
  double sum_sq = 0;
  std::size_t n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    const double actual = std::stod(line.substr(0, line.find(',')));
    const double predicted = std::stod(line.substr(line.find(',') + 1));
    sum_sq += (predicted - actual) * (predicted - actual);
  }
  EXPECT_EQ(n, rows);
  const double mse = summary["final"]["test_mse"].get<double>();
  EXPECT_NEAR(sum_sq / static_cast<double>(n), mse, 1e-5 * mse);
  const std::string html = read_file(dir / "run" / "report.html");
  EXPECT_NE(html.find("\"predictions\":{\"names\":[\"actual\",\"predicted\"]"), std::string::npos);
  if (r.out.find("no plots: gnuplot is not installed") != std::string::npos)
    GTEST_SKIP() << "gnuplot is not installed: plots/ not checked";
  const std::string svg = read_file(dir / "run" / "plots" / "predicted_vs_actual.svg");
  EXPECT_NE(svg.find("predicted = actual"), std::string::npos);
}

TEST(CliReport, WithoutGnuplotTheRunSucceedsAndSaysHowToGetPlots) {
  const auto dir = descent::test::scratch_dir();
  ::setenv("DESCENT_GNUPLOT", (dir / "none").c_str(), 1);  // a gnuplot that is not there
  const auto r = run_cli(kReportRun + "--out " + (dir / "run").string());
  ::unsetenv("DESCENT_GNUPLOT");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("no plots: gnuplot is not installed (apt-get install gnuplot-nox"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir / "run" / "plots"));
  EXPECT_TRUE(fs::exists(dir / "run" / "report.html"));
}

TEST(CliReport, OverlayIsNamedByTheDifferingConfigKeys) {
  const auto dir = descent::test::scratch_dir();
  for (const char* bs : {"1", "32"})
    ASSERT_EQ(run_cli(kReportRun + "--batch-size " + bs + " --out " + (dir / bs).string()).code, 0);
  const auto out = dir / "compare.html";
  const auto r = run_cli("report " + (dir / "1").string() + " " + (dir / "32").string() +
                         " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = read_file(out);
  EXPECT_NE(html.find("descent: 2 runs overlaid"), std::string::npos);
  EXPECT_NE(html.find("<td>batch_size=1</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>batch_size=32</td>"), std::string::npos);
  EXPECT_EQ(html.find("<td>batch_size=1, dir="), std::string::npos);  // output.dir names nothing
  EXPECT_NE(html.find("final val_loss"), std::string::npos);
}

TEST(CliReport, BadInputIsOneLineExit2AndNoFile) {
  const auto dir = descent::test::scratch_dir();
  ASSERT_EQ(run_cli(kReportRun + "--out " + (dir / "good").string()).code, 0);
  fs::create_directories(dir / "torn");
  descent::write_file_atomic(dir / "torn" / "metrics.csv", "epoch,train_loss\n1,0.5\n2,0.4");
  fs::create_directories(dir / "empty");
  descent::write_file_atomic(dir / "empty" / "metrics.csv", "epoch,train_loss\n");
  fs::create_directories(dir / "notarun");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"notarun", "not a run directory (no metrics.csv)"},
      {"missing", "not a directory"},
      {"torn", "torn last line"},
      {"empty", "no finished epoch"}};
  for (const auto& [name, message] : cases) {
    const auto out = dir / ("out-" + name + ".html");
    const auto r = run_cli("report " + (dir / "good").string() + " " + (dir / name).string() +
                           " --out " + out.string());
    EXPECT_EQ(r.code, 2) << name;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find((dir / name).string()), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << name;
  }
}

}  // namespace

namespace {

TEST(CliReport, AFailedRunStillWritesItsSummaryAndReport) {
  const auto dir = descent::test::scratch_dir();
  // Full-batch gradient descent with lr 10 on a linear regression: the error grows ~9x a step and
  // overflows float around epoch 30.
  const auto r = run_cli(
      "train --data synthetic:linear --samples 200 --model linear --batch-size 0 --epochs 200 "
      "--optimizer '{\"name\":\"sgd\",\"lr\":10}' --progress none --out " +
      (dir / "run").string());
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("non-finite"), std::string::npos) << r.err;
  const std::string summary = read_file(dir / "run" / "summary.json");
  EXPECT_NE(summary.find("\"stop_reason\": \"failed: step"), std::string::npos) << summary;
  const std::string html = read_file(dir / "run" / "report.html");
  // The failure first, with the step and the last finite loss; then the divergence warning.
  EXPECT_NE(html.find("<div class=\"warnings\"><b>Warnings</b><ul><li>the run failed at step "),
            std::string::npos);
  EXPECT_NE(html.find("(last finite loss "), std::string::npos);
  EXPECT_NE(html.find("diverging?"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "run" / "model.safetensors"));  // no non-finite model
}

// PNG on request: --png adds plots/*.png beside the SVGs; trace --plot FILE.png draws a PNG.
TEST(CliReport, PngOnRequest) {
  const auto dir = descent::test::scratch_dir();
  const auto r = run_cli(kReportRun + "--png --out " + (dir / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  if (r.out.find("no plots: gnuplot is not installed") != std::string::npos)
    GTEST_SKIP() << "gnuplot is not installed: PNG plots are not checked";
  const std::string png_magic = "\x89PNG\r\n\x1a\n";
  for (const char* name : {"loss", "accuracy"}) {
    EXPECT_EQ(read_file(dir / "run" / "plots" / (std::string(name) + ".png")).substr(0, 8),
              png_magic)
        << name;
    EXPECT_NE(read_file(dir / "run" / "plots" / (std::string(name) + ".svg")).find("<svg"),
              std::string::npos);
  }
  const auto trace = run_cli(
      "trace --function rosenbrock --steps 50 --optimizer '{\"name\":\"adam\",\"lr\":0.05}' "
      "--csv " +
      (dir / "path.csv").string() + " --plot " + (dir / "path.png").string());
  ASSERT_EQ(trace.code, 0) << trace.err;
  EXPECT_EQ(read_file(dir / "path.png").substr(0, 8), png_magic);
  EXPECT_FALSE(fs::exists(dir / "path.svg"));
}

TEST(CliReport, TracePlotsPathsOverAFilledContour) {
  const auto dir = descent::test::scratch_dir();
  const auto svg = dir / "paths.svg";
  const auto r = run_cli(
      "trace --function himmelblau --x0=0,0 --steps 100 --summary "
      "--optimizer '{\"name\":\"adam\",\"lr\":0.1}' --optimizer '{\"name\":\"sgd\",\"lr\":0.01}' "
      "--plot " +
      svg.string());
  ASSERT_EQ(r.code, 0) << r.err;
  if (r.out.find("no plots: gnuplot is not installed") != std::string::npos)
    GTEST_SKIP() << "gnuplot is not installed: the contour plot is not checked";
  for (const char* f : {"paths.svg", "paths.gp", "paths_grid.dat", "paths_path0.dat",
                        "paths_path1.dat", "paths_minima.dat"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  const std::string plot = read_file(svg);
  for (const char* label : {"adam", "sgd", "minimum", "start", "end", "himmelblau (100 steps)"})
    EXPECT_NE(plot.find(label), std::string::npos) << label;
  // Himmelblau's four minima, and 101 points (start + 100 steps) per path.
  const std::string minima = read_file(dir / "paths_minima.dat");
  EXPECT_EQ(lines(minima), 5u);
  EXPECT_EQ(lines(read_file(dir / "paths_path0.dat")), 102u);

  const auto bad = run_cli(
      "trace --function quadratic --steps 5 --optimizer sgd "
      "--plot " +
      (dir / "three.svg").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(lines(bad.err), 1u) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "three.svg"));
}

}  // namespace

namespace {

TEST(CliReport, AnUnfinishedOrOlderRunReportsWhatItHas) {
  // Only metrics.csv (no summary.json, config.toml or steps.csv): an interrupted run or one of an
  // older descent.
  const auto dir = descent::test::scratch_dir();
  fs::create_directories(dir / "old");
  descent::write_file_atomic(dir / "old" / "metrics.csv",
                             "epoch,train_loss,val_loss\n1,0.9,1.1\n2,0.7,0.95\n");
  const auto r = run_cli("report " + (dir / "old").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = read_file(dir / "old" / "report.html");
  EXPECT_NE(html.find("no summary.json: the run did not finish (interrupted or still running); "
                      "showing its 2 epoch(s)"),
            std::string::npos);
  EXPECT_NE(html.find("<td>val_loss</td><td>0.95</td>"), std::string::npos);
}

}  // namespace
