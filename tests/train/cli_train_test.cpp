// `descent train` end to end (DESCENT_CLI_PATH): outputs, one-line errors with exit code 2 and no
// output directory, and a resumed run identical to an uninterrupted one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {
struct Result {
  int code;
  std::string out;
};

Result run(const std::string& args) {
  const std::string cmd = std::string(DESCENT_CLI_PATH) + " " +
                          (args.rfind("lr-find", 0) == 0 ? "" : "train ") + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliTrain : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("descent_cli_train_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
             std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

const std::string kSmall =
    "--data synthetic:blobs --samples 200 --model mlp:8 --batch-size 16 --progress none";
}  // namespace

TEST_F(CliTrain, WritesTheRunDirectory) {
  const auto out = root_ / "run";
  const auto r = run(kSmall + " --epochs 3 --test-split 0.2 --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* f : {"config.toml", "metrics.csv", "summary.json", "checkpoint.safetensors",
                        "model.safetensors"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  const auto summary = nlohmann::json::parse(slurp(out / "summary.json"));
  EXPECT_EQ(summary["epochs_run"], 3);
  EXPECT_TRUE(summary["final"].contains("val_accuracy"));
  EXPECT_TRUE(summary["final"].contains("test_accuracy"));
  EXPECT_TRUE(summary["best"].contains("val_loss"));
  EXPECT_EQ(summary["classes"].size(), 3u);
  EXPECT_GT(summary["samples_per_second"].get<double>(), 0);
  // metrics.csv: header + 3 rows; config.toml reads back as the config of an identical run.
  const auto csv = slurp(out / "metrics.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_EQ(csv.rfind("epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr", 0), 0u) << csv;
  const auto again = root_ / "again";
  ASSERT_EQ(run((out / "config.toml").string() + " --out " + again.string()).code, 0);
  EXPECT_EQ(slurp(again / "metrics.csv"), csv);
}

TEST_F(CliTrain, UnknownConfigKeyIsOneLineWithASuggestion) {
  const auto cfg = root_ / "bad.toml";
  std::ofstream(cfg) << "[train]\nepochs = 2\nbatch_sise = 8\n";
  const auto r = run(cfg.string() + " " + kSmall + " --out " + (root_ / "out").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_NE(r.out.find("bad.toml:3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did you mean 'train.batch_size'"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(root_ / "out"));
  const auto s = run(kSmall + " --set train.epoch=3 --out " + (root_ / "out").string());
  EXPECT_EQ(s.code, 2);
  EXPECT_NE(s.out.find("did you mean 'train.epochs'"), std::string::npos) << s.out;
}

TEST_F(CliTrain, BadValuesAreOneLineAndExitTwo) {
  for (const std::string args : {"--epochs ten", "--set train.clip_norm=-1", "--activation relux",
                                 "--optimizer '{\"name\":\"adam\",\"lr\":\"fast\"}'"}) {
    const auto r = run(kSmall + " " + args + " --out " + (root_ / "out").string());
    EXPECT_EQ(r.code, 2) << args << ": " << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << args << ": " << r.out;
    EXPECT_FALSE(fs::exists(root_ / "out")) << args;
  }
}

TEST_F(CliTrain, BadDataFileNamesTheCellAndWritesNothing) {
  const auto csv = root_ / "data.csv";
  std::ofstream(csv) << "a,b,label\n1,2,x\n3,oops,y\n5,6,x\n";
  const auto r = run("--data " + csv.string() + " --target label --progress none --out " +
                     (root_ / "out").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_NE(r.out.find("data.csv:3"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(root_ / "out"));
  const auto missing = run("--data " + (root_ / "nope.csv").string() + " --target y --out " +
                           (root_ / "out").string());
  EXPECT_EQ(missing.code, 2) << missing.out;
  EXPECT_FALSE(fs::exists(root_ / "out"));
}

// 4 epochs vs 2 + --resume to 4: the same weights (every byte), metrics rows and checkpoint.
TEST_F(CliTrain, ResumeContinuesBitIdentically) {
  const std::string common = kSmall +
                             " --dropout 0.2 --val-split 0.2 --schedule '{\"name\":\"step\","
                             "\"step_size\":1,\"gamma\":0.8}' --early-stopping 10 --seed 3";
  const auto straight = root_ / "straight", resumed = root_ / "resumed";
  ASSERT_EQ(run(common + " --epochs 4 --out " + straight.string()).code, 0);
  ASSERT_EQ(run(common + " --epochs 2 --out " + resumed.string()).code, 0);
  const auto r = run("--resume " + resumed.string() + " --epochs 4 --progress none");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("resuming"), std::string::npos);
  EXPECT_EQ(slurp(resumed / "metrics.csv"), slurp(straight / "metrics.csv"));
  EXPECT_EQ(slurp(resumed / "model.safetensors"), slurp(straight / "model.safetensors"));
  EXPECT_EQ(slurp(resumed / "checkpoint.safetensors"), slurp(straight / "checkpoint.safetensors"));
  // A corrupted checkpoint is refused with exit code 2.
  auto bytes = slurp(resumed / "checkpoint.safetensors");
  bytes[bytes.size() - 3] ^= 0x40;
  std::ofstream(resumed / "checkpoint.safetensors", std::ios::binary) << bytes;
  const auto bad = run("--resume " + resumed.string() + " --epochs 5 --progress none");
  EXPECT_EQ(bad.code, 2) << bad.out;
}

// train.checkpoint_every "3" over 7 epochs writes 3 checkpoints (after epochs 3, 6 and 7); the
// default ("60s") writes only the last on a run this short. A resumed run replaces the rows that
// metrics.csv got after its checkpoint (what a killed run leaves) with its own.
TEST_F(CliTrain, CheckpointsFollowThePolicyAndAResumeReplacesLaterRows) {
  const std::string common = kSmall + " --val-split 0.2 --seed 5";
  const auto straight = root_ / "straight", every = root_ / "every", killed = root_ / "killed";
  ASSERT_EQ(run(common + " --epochs 7 --out " + straight.string()).code, 0);
  auto summary = nlohmann::json::parse(slurp(straight / "summary.json"));
  EXPECT_EQ(summary["checkpoints"], 1);
  EXPECT_GE(summary["io_seconds"].get<double>(), 0);
  // The validation passes are timed apart, as part of the training's wall time.
  EXPECT_GT(summary["validation_seconds"].get<double>(), 0);
  EXPECT_LT(summary["validation_seconds"].get<double>(), summary["wall_seconds"].get<double>());
  ASSERT_EQ(run(common + " --epochs 7 --set train.checkpoint_every=3 --out " + every.string()).code,
            0);
  summary = nlohmann::json::parse(slurp(every / "summary.json"));
  EXPECT_EQ(summary["checkpoints"], 3);
  EXPECT_EQ(slurp(every / "metrics.csv"), slurp(straight / "metrics.csv"));

  ASSERT_EQ(run(common + " --epochs 3 --out " + killed.string()).code, 0);
  std::ofstream(killed / "metrics.csv", std::ios::app) << "4,9,9,9,9,9,0\n5,9,9,9,9,9,0\n";
  const auto r = run("--resume " + killed.string() + " --epochs 7 --progress none");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(slurp(killed / "metrics.csv"), slurp(straight / "metrics.csv"));
  EXPECT_EQ(slurp(killed / "model.safetensors"), slurp(straight / "model.safetensors"));

  const auto bad =
      run(common + " --set train.checkpoint_every=5m --out " + (root_ / "bad").string());
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_NE(bad.out.find("train.checkpoint_every"), std::string::npos) << bad.out;
  EXPECT_FALSE(fs::exists(root_ / "bad"));
}

// A plateau inside a warmup (nested schedules, sched/composite.hpp): stepped once per epoch with
// the monitor; warms up over 2 epochs, restarts from lr0 at epoch 3, then halves the lr whenever
// the loss does not improve by half (threshold 0.5), and a run resumed at epoch 5 is identical.
TEST_F(CliTrain, PlateauInsideAWarmupReducesTheLrAndResumesBitIdentically) {
  const std::string common =
      kSmall +
      " --optimizer '{\"name\":\"sgd\",\"lr\":0.1}' --schedule '{\"name\":\"warmup\","
      "\"warmup_steps\":2,\"then\":{\"name\":\"plateau\",\"factor\":0.5,"
      "\"patience\":0,\"threshold\":0.5}}'";
  const auto straight = root_ / "straight", resumed = root_ / "resumed";
  auto r = run(common + " --epochs 7 --out " + straight.string());
  ASSERT_EQ(r.code, 0) << r.out;
  std::vector<double> lrs;  // the lr column of metrics.csv
  std::istringstream rows(slurp(straight / "metrics.csv"));
  std::string line;
  std::getline(rows, line);
  std::size_t column = 0;
  for (std::size_t at = 0; line.substr(at, 3) != "lr," && line.substr(at) != "lr"; ++column)
    at = line.find(',', at) + 1;
  while (std::getline(rows, line)) {
    std::istringstream cells(line);
    std::string cell;
    for (std::size_t c = 0; c <= column; ++c) std::getline(cells, cell, ',');
    lrs.push_back(std::stod(cell));
  }
  ASSERT_EQ(lrs.size(), 7u);
  // lr0 * t/2 while warming up, lr0 at the milestone and after the first counted epoch
  EXPECT_EQ(lrs[0], 0.0);
  EXPECT_EQ(lrs[1], 0.05);
  EXPECT_EQ(lrs[2], 0.1);
  EXPECT_EQ(lrs[3], 0.1);
  EXPECT_EQ(lrs[6], 0.1 / 8);  // the loss never halves: halved at every epoch from the fifth
  ASSERT_EQ(run(common + " --epochs 5 --out " + resumed.string()).code, 0);
  r = run("--resume " + resumed.string() + " --epochs 7 --progress none");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(slurp(resumed / "metrics.csv"), slurp(straight / "metrics.csv"));
  EXPECT_EQ(slurp(resumed / "checkpoint.safetensors"), slurp(straight / "checkpoint.safetensors"));
}

TEST_F(CliTrain, LrFindWritesTheCurveAndSuggests) {
  const auto csv = root_ / "curve.csv";
  const auto r =
      run("lr-find --data synthetic:blobs --samples 200 --model linear --batch-size 16 --steps 40 "
          "--csv " +
          csv.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("suggested lr"), std::string::npos) << r.out;
  const auto text = slurp(csv);
  EXPECT_EQ(text.rfind("step,lr,loss,smoothed\n", 0), 0u);
}

// --l1/--l2/--regularization: the penalty is its own column (train_reg_loss beside train_loss in
// metrics.csv and summary.json, reg_loss in steps.csv) and the table is in config.toml.
TEST_F(CliTrain, RegularizationIsReportedBesideTheDataLoss) {
  const std::string common =
      "--data synthetic:linear --samples 200 --model linear --epochs 2 "
      "--batch-size 20 --progress none";
  const auto out = root_ / "run";
  const auto r = run(common + " --l2 0.01 --log-steps --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(slurp(out / "metrics.csv").rfind("epoch,train_loss,train_reg_loss,", 0), 0u);
  EXPECT_EQ(slurp(out / "steps.csv").rfind("epoch,step,loss,reg_loss,", 0), 0u);
  const auto summary = nlohmann::json::parse(slurp(out / "summary.json"));
  EXPECT_GT(summary["final"]["train_reg_loss"].get<double>(), 0);
  EXPECT_NE(slurp(out / "config.toml").find("[regularization]\nname = \"l2\"\nlambda = 0.01\n"),
            std::string::npos);
  // The same penalty as JSON gives the same run; the plain run has no column.
  const auto json = root_ / "json";
  ASSERT_EQ(
      run(common + " --regularization '{\"name\":\"l2\",\"lambda\":0.01}' --log-steps --out " +
          json.string())
          .code,
      0);
  EXPECT_EQ(slurp(json / "metrics.csv"), slurp(out / "metrics.csv"));
  ASSERT_EQ(run(common + " --out " + (root_ / "plain").string()).code, 0);
  EXPECT_EQ(slurp(root_ / "plain" / "metrics.csv").find("reg_loss"), std::string::npos);
  for (const std::string bad : {"--l1 -1", "--l1 0.1 --regularization l2",
                                "--regularization '{\"name\":\"l2\",\"lamda\":1}'"}) {
    const auto b = run(common + " " + bad + " --out " + (root_ / "bad").string());
    EXPECT_EQ(b.code, 2) << bad << ": " << b.out;
    EXPECT_EQ(std::count(b.out.begin(), b.out.end(), '\n'), 1) << bad << ": " << b.out;
    EXPECT_FALSE(fs::exists(root_ / "bad")) << bad;
  }
}

// A boolean key's flag alone means true; =false and a separate value still work.
TEST_F(CliTrain, BooleanFlagsAloneMeanTrue) {
  const std::string common = kSmall + " --epochs 1";
  ASSERT_EQ(run(common + " --out " + (root_ / "a").string() + " --log-steps").code, 0);
  EXPECT_TRUE(fs::exists(root_ / "a" / "steps.csv"));
  ASSERT_EQ(run(common + " --log-steps=false --out " + (root_ / "b").string()).code, 0);
  EXPECT_FALSE(fs::exists(root_ / "b" / "steps.csv"));
  ASSERT_EQ(run(common + " --log-steps true --out " + (root_ / "c").string()).code, 0);
  EXPECT_TRUE(fs::exists(root_ / "c" / "steps.csv"));
  // 200 blobs, 10% validation: 180 training rows = 11 full batches of 16 + 4 rows.
  ASSERT_EQ(run(common + " --drop-last --no-shuffle --out " + (root_ / "d").string()).code, 0);
  const auto config = slurp(root_ / "d" / "config.toml");
  EXPECT_NE(config.find("shuffle = false\ndrop_last = true\n"), std::string::npos) << config;
  EXPECT_EQ(nlohmann::json::parse(slurp(root_ / "d" / "summary.json"))["steps"], 11);
  const auto bad = run(common + " --drop-last maybe --out " + (root_ / "e").string());
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_NE(bad.out.find("--drop-last=false"), std::string::npos) << bad.out;
}

namespace {
/// A clean numeric CSV x1,x2,label of 300 rows: class i % 3 at (2c, -c) with a deterministic
/// jitter, its label from `name`; or (regression, name empty) label = 3 x1 - 2 x2 + 1.
std::string clean_csv(const std::vector<std::string>& names) {
  std::string text = "x1,x2,label\n";
  for (int i = 0; i < 300; ++i) {
    const double ja = ((i * 37) % 11 - 5) / 10.0, jb = ((i * 13) % 7 - 3) / 10.0;
    const int c = i % 3;
    if (names.empty()) {
      const double a = ((i * 13) % 17 - 8) / 4.0, b = ((i * 7) % 11 - 5) / 3.0;
      text += std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(3 * a - 2 * b + 1);
    } else {
      text += std::to_string(2 * c + ja) + "," + std::to_string(-c + jb) + "," + names[c];
    }
    text += "\n";
  }
  return text;
}

/// The "model" metadata of model.safetensors (8-byte little-endian header size, JSON header).
nlohmann::json model_metadata(const fs::path& file) {
  const std::string bytes = slurp(file);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = n << 8 | static_cast<unsigned char>(bytes[i]);
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  return nlohmann::json::parse(header["__metadata__"]["model"].get<std::string>());
}
}  // namespace

// The "done when": `descent train --data my.csv --target label` with nothing else, on a
// numeric target with few classes, a string target and a real-valued target, gives a model that
// learned and outputs that name the task and the class mapping (summary.json and the model).
TEST_F(CliTrain, ANewUsersCsvTrainsWithDefaults) {
  struct Case {
    std::string name;
    std::vector<std::string> labels;
  };
  for (const Case& c : {Case{"ints", {"0", "1", "2"}}, Case{"words", {"dog", "cat", "bird"}}}) {
    const auto csv = root_ / (c.name + ".csv");
    std::ofstream(csv) << clean_csv(c.labels);
    const auto out = root_ / c.name;
    const auto r = run("--data " + csv.string() + " --target label --out " + out.string());
    ASSERT_EQ(r.code, 0) << r.out;
    const auto summary = nlohmann::json::parse(slurp(out / "summary.json"));
    EXPECT_EQ(summary["task"], "classification") << c.name;
    auto sorted = c.labels;  // class ids follow the sorted label text
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(summary["classes"], sorted) << c.name;
    EXPECT_GT(summary["final"]["val_accuracy"].get<double>(), 0.9) << c.name;
    const auto meta = model_metadata(out / "model.safetensors");
    EXPECT_EQ(meta["classes"], sorted) << c.name;
    EXPECT_EQ(meta["feature_names"], (std::vector<std::string>{"x1", "x2"}));
  }
  // A real-valued target is standardized for training (fitted on the training rows, kept in the
  // model's metadata); the metrics stay in the data's units: val_mse = std^2 val_loss.
  const auto csv = root_ / "real.csv";
  std::ofstream(csv) << clean_csv({});
  const auto out = root_ / "real";
  const auto r = run("--data " + csv.string() + " --target label --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  const auto summary = nlohmann::json::parse(slurp(out / "summary.json"));
  EXPECT_EQ(summary["task"], "regression");
  EXPECT_GT(summary["final"]["val_r2"].get<double>(), 0.95);
  const auto meta = model_metadata(out / "model.safetensors");
  EXPECT_EQ(meta["task"], "regression");
  const double std = meta["target_scaler"]["std"].get<double>();
  EXPECT_GT(std, 3);  // 3 x1 - 2 x2 + 1 with x1, x2 spread over a few units
  EXPECT_NEAR(summary["final"]["val_mse"].get<double>(),
              std * std * summary["final"]["val_loss"].get<double>(),
              1e-9 * summary["final"]["val_mse"].get<double>());
}

// Bad input of every kind: one line, exit 2, no run directory.
TEST_F(CliTrain, BadInputIsOneLineExitTwoAndNoOutput) {
  const auto csv = root_ / "ok.csv";
  std::ofstream(csv) << "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n";
  const auto nan = root_ / "nan.csv";
  std::ofstream(nan) << "a,b,label\n1,2,x\n3,nan,y\n5,6,x\n";
  const std::string data = "--data " + csv.string() + " --target label ";
  for (const std::string& args :
       {data + "--lr -0.1", data + "--set train.batchsize=3", data + "--target lable",
        "--data " + nan.string() + " --target label"}) {
    const auto r = run(args + " --out " + (root_ / "out").string());
    EXPECT_EQ(r.code, 2) << args << ": " << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << args << ": " << r.out;
    EXPECT_FALSE(fs::exists(root_ / "out")) << args;
  }
  EXPECT_NE(run("--data " + nan.string() + " --target label").out.find("nan.csv:3"),
            std::string::npos);
  // A corrupt checkpoint on --resume: one line, exit 2, the run directory untouched.
  const auto runs = root_ / "run";
  ASSERT_EQ(run(data + "--epochs 1 --progress none --out " + runs.string()).code, 0);
  std::ofstream(runs / "checkpoint.safetensors", std::ios::binary) << "garbage";
  const auto config = slurp(runs / "config.toml");
  const auto r = run("--resume " + runs.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_NE(r.out.find("checkpoint.safetensors"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(runs / "config.toml"), config);
}
