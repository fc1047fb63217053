// `descent compare` on a grid of training variants and on test functions: the run directories,
// the table, the same results with -j 2 as one at a time, and bad input (one line, exit 2, no
// output; a failing variant is a row of the table and exit 1).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "support/cli.hpp"

namespace {

namespace fs = std::filesystem;
using descent::read_file;
using descent::test::run_cli;
using nlohmann::json;

const std::string kBase =
    "compare --data synthetic:linear --samples 200 --model linear --optimizer sgd --epochs 3 ";

TEST(CliCompare, GridRunsEveryCombinationInItsOwnDirectory) {
  const auto dir = descent::test::scratch_dir() / "out";
  const auto r =
      run_cli(kBase + "--vary optimizer.lr=0.01,0.1 --vary train.batch_size=0,16 --out " +
              dir.string() + " --reach 0.5");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto table = json::parse(read_file(dir / "compare.json"));
  ASSERT_EQ(table["rows"].size(), 4u);
  // The first key varies slowest.
  EXPECT_EQ(table["rows"][0]["variant"], "optimizer.lr=0.01, train.batch_size=0");
  EXPECT_EQ(table["rows"][3]["variant"], "optimizer.lr=0.1, train.batch_size=16");
  for (const auto& row : table["rows"]) {
    const fs::path run = row["run"].get<std::string>();
    EXPECT_TRUE(fs::is_regular_file(run / "metrics.csv")) << run;
    EXPECT_TRUE(fs::is_regular_file(run / "summary.json")) << run;
    EXPECT_EQ(row["outcome"], "ok");
    EXPECT_TRUE(row["wall s"].is_number());
    EXPECT_TRUE(row["samples/s"].is_number());
  }
  // The variant's values are in its config.toml.
  const auto config =
      read_file(fs::path(table["rows"][3]["run"].get<std::string>()) / "config.toml");
  EXPECT_NE(config.find("batch_size = 16"), std::string::npos);
  EXPECT_NE(config.find("lr = 0.1"), std::string::npos);
  EXPECT_TRUE(fs::is_regular_file(dir / "compare.csv"));
  EXPECT_TRUE(fs::is_regular_file(dir / "compare.html"));
  EXPECT_EQ(table["target"], 0.5);
  EXPECT_NE(r.out.find("epochs to val_loss 0.5"), std::string::npos) << r.out;
  // An earlier comparison is not overwritten without --force.
  const auto again = run_cli(kBase + "--vary optimizer.lr=0.01 --out " + dir.string());
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
}

TEST(CliCompare, ParallelRunsGiveTheSameResultsAsSequential) {
  const auto dir = descent::test::scratch_dir();
  // An MLP, so that the runs use the thread-split matrix products.
  const std::string args =
      "compare --data synthetic:spirals --samples 300 --model mlp:16 --epochs 2 "
      "--vary optimizer.lr=0.01,0.05,0.1 ";
  ASSERT_EQ(run_cli(args + "-j 1 --out " + (dir / "seq").string()).code, 0);
  ASSERT_EQ(run_cli(args + "-j 3 --out " + (dir / "par").string()).code, 0);
  for (const char* run : {"1-optimizer.lr=0.01", "2-optimizer.lr=0.05", "3-optimizer.lr=0.1"}) {
    const std::string name = std::string("0") + run;
    EXPECT_EQ(read_file(dir / "seq" / name / "metrics.csv"),
              read_file(dir / "par" / name / "metrics.csv"))
        << name;
  }
}

TEST(CliCompare, PathsOnATestFunction) {
  const auto dir = descent::test::scratch_dir() / "out";
  const auto r = run_cli(
      "compare --function booth --x0 0,0 --x0 4,4 --optimizer sgd "
      "--vary optimizer.lr=0.01,0.05 --steps 50 --out " +
      dir.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto table = json::parse(read_file(dir / "compare.json"));
  ASSERT_EQ(table["rows"].size(), 4u);  // 2 starts x 2 rates
  EXPECT_EQ(table["rows"][0]["x0"], "0,0");
  EXPECT_EQ(table["rows"][3]["x0"], "4,4");
  // The larger rate ends closer to the minimum (1, 3) from either start.
  EXPECT_LT(table["rows"][1]["distance to minimum"].get<double>(),
            table["rows"][0]["distance to minimum"].get<double>());
  EXPECT_TRUE(fs::is_regular_file(table["rows"][2]["path"].get<std::string>()));
}

TEST(CliCompare, AFailingVariantIsARowAndTheOthersComplete) {
  const auto dir = descent::test::scratch_dir() / "out";
  const auto r = run_cli(kBase + "--vary model.spec=linear,mlp:x,mlp:4 --out " + dir.string());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const auto table = json::parse(read_file(dir / "compare.json"));
  ASSERT_EQ(table["rows"].size(), 3u);
  EXPECT_EQ(table["rows"][0]["outcome"], "ok");
  EXPECT_EQ(table["rows"][1]["outcome"].get<std::string>().rfind("failed: ", 0), 0u);
  EXPECT_NE(table["rows"][1]["outcome"].get<std::string>().find("mlp:x"), std::string::npos);
  EXPECT_EQ(table["rows"][2]["outcome"], "ok");
}

struct BadInput {
  std::string args, message;
};

class CliCompareBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliCompareBadInput, OneLineExit2AndNoOutput) {
  const auto dir = descent::test::scratch_dir() / "out";
  const auto r = run_cli(kBase + GetParam().args + " --out " + dir.string());
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(dir / "compare.json"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliCompareBadInput,
    ::testing::Values(
        BadInput{"--vary optimizer.lrr=0.1,0.2", "did you mean"},
        BadInput{"--vary train.epoch=1,2", "did you mean 'train.epochs'"},
        BadInput{"--vary optimizer.lr=", "no values for 'optimizer.lr'"},
        BadInput{"--vary optimizer.lr=0.1,,0.2", "an empty value"},
        BadInput{"--vary train.batch_size=-1,4", "train.batch_size"},
        BadInput{"--vary train.seed=1,2,3,4,5,6,7,8,9,10,11 --vary optimizer.lr=1,2,3,4,5,6,7,8,9,"
                 "10 --vary train.epochs=1,2,3,4,5,6,7,8,9,10",
                 "1100 variants"},
        BadInput{"", "nothing to compare"},
        BadInput{"--experiment batch-mode", "did you mean 'batch-modes'"},
        BadInput{"--function himmelblau --vary train.epochs=1,2", "does not apply to optimizer"},
        BadInput{"--vary data.path=nowhere.csv,elsewhere.csv", "nowhere.csv"}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

}  // namespace
