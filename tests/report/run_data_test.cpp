// Reading run directories back for reports: CSV round trip, torn / malformed files and directories
// that are not runs are one DataError naming the file and line.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/report/metrics_csv.hpp"
#include "descent/report/run_data.hpp"
#include "support/cli.hpp"

namespace descent::report {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no DataError)";
}

TEST(RunData, TableReadsBackWhatMetricsCsvWrote) {
  std::vector<train::MetricRow> rows(3);
  rows[0].set("epoch", 1), rows[0].set("train_loss", 0.1 + 0.2), rows[0].set("lr", 1e-3);
  rows[1].set("epoch", 2), rows[1].set("train_loss", std::nan("")), rows[1].set("lr", 1e-300);
  rows[2].set("epoch", 3), rows[2].set("train_loss", INFINITY), rows[2].set("val_loss", 2.5);
  const Table t = parse_table(metrics_csv(rows), "m.csv");
  ASSERT_EQ(t.names, (std::vector<std::string>{"epoch", "train_loss", "lr", "val_loss"}));
  ASSERT_EQ(t.rows(), 3u);
  EXPECT_EQ((*t.column("train_loss"))[0], 0.1 + 0.2);  // exact: shortest round-trip form
  EXPECT_TRUE(std::isnan((*t.column("train_loss"))[1]));
  EXPECT_EQ((*t.column("train_loss"))[2], INFINITY);
  EXPECT_EQ((*t.column("lr"))[1], 1e-300);
  EXPECT_TRUE(std::isnan((*t.column("val_loss"))[0]));  // empty cell
  EXPECT_EQ((*t.column("val_loss"))[2], 2.5);
  EXPECT_EQ(t.column("nope"), nullptr);
}

TEST(RunData, TornOrMalformedLinesNameFileAndLine) {
  EXPECT_NE(error_of([] { parse_table("epoch,loss\n1,0.5\n2,0.", "m.csv"); }).find("m.csv:3"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              parse_table("epoch,loss\n1,0.5\n2\n", "m.csv");
            }).find("1 cells where the header has 2"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_table("epoch,loss\n1,abc\n", "m.csv"); }).find("'abc'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_table("", "m.csv"); }).find("no header"), std::string::npos);
}

TEST(RunData, NotARunTornOrEmptyRunIsADataError) {
  const auto dir = test::scratch_dir();
  EXPECT_NE(error_of([&] { load_run(dir / "missing"); }).find("not a directory"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_run(dir); }).find("no metrics.csv"), std::string::npos);
  write_file_atomic(dir / "metrics.csv", "epoch,train_loss\n");
  EXPECT_NE(error_of([&] { load_run(dir); }).find("no finished epoch"), std::string::npos);
  write_file_atomic(dir / "metrics.csv", "epoch,train_loss\n1,0.5\n2,0.4");
  EXPECT_NE(error_of([&] { load_run(dir); }).find("metrics.csv:3"), std::string::npos);
  write_file_atomic(dir / "metrics.csv", "epoch,train_loss\n1,0.5\n");
  write_file_atomic(dir / "config.toml",
                    "[optimizer]\nname = \"sgd\"\nlr = 0.05\n[train]\nepochs = 3\n");
  const RunData run = load_run(dir);
  EXPECT_EQ(run.epochs.rows(), 1u);
  EXPECT_TRUE(run.summary.is_null());
  EXPECT_EQ(run.config.at("optimizer.name"), "sgd");
  EXPECT_EQ(run.config.at("optimizer.lr"), "0.05");
  EXPECT_EQ(run.config.at("train.epochs"), "3");
}

}  // namespace
}  // namespace descent::report
