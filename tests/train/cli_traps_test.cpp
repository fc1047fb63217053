// The traps a new user of `descent train` fell into (issue 17), each checked end to end: an unknown
// --monitor metric, an empty "test:" line, overwriting an earlier run, a resume that silently
// ignores a new setting, the loss steps.csv reports under accumulation, warm starts, text columns,
// and the loss listing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "descent/core/safetensors.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using descent::read_file;
using descent::test::run_cli;

namespace {
const std::string kBlobs =
    "train --data synthetic:blobs --samples 120 --model mlp:4 --batch-size 16 --progress none";

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class CliTraps : public ::testing::Test {
 protected:
  void SetUp() override { root_ = descent::test::scratch_dir(); }
  void TearDown() override { fs::remove_all(root_); }
  std::string out(const std::string& name) const { return " --out " + (root_ / name).string(); }
  fs::path root_;
};
}  // namespace

TEST_F(CliTraps, UnknownMonitorIsAnErrorEvenWithoutEarlyStopping) {
  const auto r = run_cli(kBlobs + " --epochs 1 --monitor val_acc" + out("run"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("did you mean 'val_accuracy'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(root_ / "run"));
  EXPECT_EQ(run_cli(kBlobs + " --epochs 1 --monitor val_accuracy" + out("ok")).code, 0);
}

TEST_F(CliTraps, NoEmptyTestLineWithoutATestSet) {
  const auto r = run_cli(kBlobs + " --epochs 2 --early-stopping 3" + out("run"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("test:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("weights of epoch"), std::string::npos) << r.out;
}

TEST_F(CliTraps, AnEarlierRunIsNeverOverwrittenSilently) {
  ASSERT_EQ(run_cli(kBlobs + " --epochs 1" + out("run")).code, 0);
  const std::string before = read_file(root_ / "run" / "model.safetensors");
  const auto again = run_cli(kBlobs + " --epochs 1 --seed 5" + out("run"));
  EXPECT_EQ(again.code, 2);
  EXPECT_EQ(lines(again.err), 1u) << again.err;
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(read_file(root_ / "run" / "model.safetensors"), before);
  EXPECT_EQ(run_cli(kBlobs + " --epochs 1 --seed 5 --force" + out("run")).code, 0);
  EXPECT_NE(read_file(root_ / "run" / "model.safetensors"), before);
  // The default output directory moves on to runs/train-2 and says so.
  const auto cwd = fs::current_path();
  fs::current_path(root_);
  const auto first = run_cli(kBlobs + " --epochs 1");
  const auto second = run_cli(kBlobs + " --epochs 1");
  fs::current_path(cwd);
  ASSERT_EQ(first.code, 0) << first.err;
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_TRUE(fs::exists(root_ / "runs" / "train" / "model.safetensors"));
  EXPECT_TRUE(fs::exists(root_ / "runs" / "train-2" / "model.safetensors"));
  EXPECT_NE(second.out.find("writing to runs/train-2"), std::string::npos) << second.out;
  EXPECT_NE(read_file(root_ / "runs" / "train-2" / "config.toml").find("dir = \"runs/train-2\""),
            std::string::npos);
}

TEST_F(CliTraps, ResumeRefusesSettingsItCannotApply) {
  ASSERT_EQ(run_cli(kBlobs + " --epochs 1" + out("run")).code, 0);
  const std::string config = read_file(root_ / "run" / "config.toml");
  const auto r = run_cli("train --resume " + (root_ / "run").string() + " --epochs 2 --lr 0.5");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("optimizer.lr"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(root_ / "run" / "config.toml"), config);  // lr = 0.5 is not recorded
  // More epochs is what a resume is for.
  const auto ok = run_cli("train --resume " + (root_ / "run").string() + " --epochs 2");
  ASSERT_EQ(ok.code, 0) << ok.err;
  const auto summary = nlohmann::json::parse(read_file(root_ / "run" / "summary.json"));
  EXPECT_EQ(summary["epochs_run"], 2);
}

// steps.csv's loss is the loss the step followed: the mean over its accumulated batches. With
// the whole training set in 4 batches of one step, that is the mean of the 4 batch losses, which
// (equal batches, unchanged weights) is metrics.csv's train_loss of epoch 1.
TEST_F(CliTraps, StepLossUnderAccumulationIsTheStepsMeanLoss) {
  // 120 blobs, val 10%: 108 training rows = 4 batches of 27.
  const auto r = run_cli(
      "train --data synthetic:blobs --samples 120 --model mlp:4 --batch-size 27 --accumulate 4 "
      "--epochs 1 --log-steps --progress none" +
      out("run"));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string steps = read_file(root_ / "run" / "steps.csv");
  const std::string metrics = read_file(root_ / "run" / "metrics.csv");
  ASSERT_EQ(lines(steps), 2u) << steps;  // header + one step
  auto column = [](const std::string& csv, const std::string& name) {
    const auto header = csv.substr(0, csv.find('\n'));
    std::size_t index = 0;
    for (std::size_t p = 0; p < header.find(name); ++p) index += header[p] == ',';
    std::string row = csv.substr(csv.find('\n') + 1);
    for (std::size_t i = 0; i < index; ++i) row = row.substr(row.find(',') + 1);
    return std::stod(row.substr(0, row.find_first_of(",\n")));
  };
  EXPECT_NEAR(column(steps, "loss"), column(metrics, "train_loss"), 1e-12);
}

TEST_F(CliTraps, InitFromStartsFromTheWeightsAndNamesAShapeMismatch) {
  ASSERT_EQ(run_cli(kBlobs + " --epochs 2" + out("a")).code, 0);
  const auto model = root_ / "a" / "model.safetensors";
  // Zero epochs from a's weights: the saved model holds exactly a's tensors.
  const auto r = run_cli(kBlobs + " --epochs 0 --seed 9 --init-from " + model.string() + out("b"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto a = descent::SafetensorsFile::read(model);
  const auto b = descent::SafetensorsFile::read(root_ / "b" / "model.safetensors");
  for (const auto& t : a.tensors()) EXPECT_EQ(a.get<float>(t.name), b.get<float>(t.name)) << t.name;
  std::string other = kBlobs;
  other.replace(other.find("mlp:4"), 5, "mlp:5");
  const auto bad = run_cli(other + " --epochs 1 --init-from " + (root_ / "a").string() + out("c"));
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(lines(bad.err), 1u) << bad.err;
  EXPECT_NE(bad.err.find("tensor '0.weight' is [4, 2] in the file but [5, 2] in the model"),
            std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(root_ / "c"));
}

TEST_F(CliTraps, IgnoreAndDelimiterFlagsForACsv) {
  std::string text = "id;x1;x2;label\n";
  for (int i = 0; i < 60; ++i)
    text += fmt::format("row{};{};{};{}\n", i, i % 3, (i * 7) % 5, i % 3 == 0 ? "yes" : "no");
  std::ofstream(root_ / "data.csv") << text;
  const std::string data = "train --data " + (root_ / "data.csv").string() +
                           " --target label --epochs 1 --progress none";
  const auto without = run_cli(data + out("a"));
  EXPECT_EQ(without.code, 2);
  EXPECT_NE(without.err.find("'id'"), std::string::npos) << without.err;
  EXPECT_EQ(run_cli(data + " --ignore id" + out("b")).code, 0);
  EXPECT_EQ(run_cli(data + " --ignore id --delimiter ';'" + out("c")).code, 0);
  EXPECT_EQ(run_cli(data + " --ignore id --delimiter ,").code, 2);  // one column: no "label"
}

// Warmup counts optimizer steps: it is stepped after each step, so only the first step trains at
// its starting lr 0 (not the whole first epoch).
TEST_F(CliTraps, WarmupIsSteppedPerOptimizerStep) {
  const auto r = run_cli(kBlobs +
                         " --epochs 1 --log-steps --optimizer '{\"name\":\"sgd\","
                         "\"lr\":0.1}' --schedule '{\"name\":\"warmup\","
                         "\"warmup_steps\":4}'" +
                         out("run"));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string steps = read_file(root_ / "run" / "steps.csv");
  std::vector<double> lr;  // the lr column, one value per step
  std::size_t column = 0;
  const std::string header = steps.substr(0, steps.find('\n'));
  for (std::size_t p = 0; p < header.find(",lr"); ++p) column += header[p] == ',';
  ++column;
  for (std::size_t at = steps.find('\n') + 1; at < steps.size(); at = steps.find('\n', at) + 1) {
    std::size_t field = at;
    for (std::size_t i = 0; i < column; ++i) field = steps.find(',', field) + 1;
    lr.push_back(std::stod(steps.substr(field)));
  }
  ASSERT_EQ(lr.size(), 7u) << steps;  // 108 rows in batches of 16
  EXPECT_EQ(lr[0], 0.0);
  EXPECT_DOUBLE_EQ(lr[1], 0.025);
  EXPECT_DOUBLE_EQ(lr[2], 0.05);
  EXPECT_DOUBLE_EQ(lr[4], 0.1);
  EXPECT_DOUBLE_EQ(lr[6], 0.1);
}

// OneCycle's total_steps: derived (and recorded) when absent; too few refused before training.
TEST_F(CliTraps, OneCycleTotalStepsIsDerivedOrCheckedUpFront) {
  const std::string onecycle = " --schedule '{\"name\":\"onecycle\",\"max_lr\":0.01";
  const auto r = run_cli(kBlobs + " --epochs 2" + onecycle + "}'" + out("run"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(read_file(root_ / "run" / "config.toml").find("total_steps = 14"), std::string::npos)
      << read_file(root_ / "run" / "config.toml");
  const auto bad =
      run_cli(kBlobs + " --epochs 2" + onecycle + ",\"total_steps\":10}'" + out("bad"));
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(lines(bad.err), 1u) << bad.err;
  EXPECT_NE(bad.err.find("14 optimizer steps (2 epochs x 7 per epoch)"), std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(root_ / "bad"));
}

// --no-decay bias is torch's two parameter groups: weights with the optimizer's weight_decay,
// biases without; the same groups given as JSON give the same weights.
TEST_F(CliTraps, NoDecayBiasIsTwoParameterGroups) {
  const std::string adamw =
      " --epochs 2 --optimizer '{\"name\":\"adamw\",\"lr\":0.05,"
      "\"weight_decay\":0.5";
  ASSERT_EQ(run_cli(kBlobs + adamw + "}' --no-decay bias" + out("a")).code, 0);
  const auto groups =
      run_cli(kBlobs + adamw + ",\"groups\":[{},{\"weight_decay\":0}]}'" + out("b"));
  ASSERT_EQ(groups.code, 0) << groups.err;
  ASSERT_EQ(run_cli(kBlobs + adamw + "}'" + out("c")).code, 0);
  const auto a = descent::SafetensorsFile::read(root_ / "a" / "model.safetensors");
  const auto b = descent::SafetensorsFile::read(root_ / "b" / "model.safetensors");
  const auto c = descent::SafetensorsFile::read(root_ / "c" / "model.safetensors");
  for (const auto& t : a.tensors()) {
    EXPECT_EQ(a.get<float>(t.name), b.get<float>(t.name)) << t.name;
    EXPECT_NE(a.get<float>(t.name), c.get<float>(t.name)) << t.name;
  }
  EXPECT_EQ(run_cli(kBlobs + " --no-decay weights" + out("d")).code, 2);
}

TEST_F(CliTraps, HelpShowsTheDefaults) {
  const auto r = run_cli("train --help");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* text : {"model.spec = \"mlp:64\"", "train.epochs = 10", "train.batch_size = 32",
                           "name = \"adam\", lr = 0.001", "--model linear"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
}

TEST_F(CliTraps, LossesAreListed) {
  const auto r = run_cli("losses");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* name : {"mse", "cross_entropy", "bce_with_logits", "binary_focal", "huber"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  const auto json = nlohmann::json::parse(run_cli("losses --json").out);
  EXPECT_EQ(json.size(), 9u);
  EXPECT_EQ(json[0]["name"], "mse");
}
