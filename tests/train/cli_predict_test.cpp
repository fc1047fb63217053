// `descent predict` and `descent evaluate` end to end: a model trained by `descent train` and
// copied alone (model.safetensors) into an empty directory scores new CSV rows -- columns shuffled,
// target absent, an extra column -- exactly as the library's TrainedModel::predict does, and
// evaluate reproduces the test metrics of the run's summary.json exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "descent/core/safetensors.hpp"
#include "descent/data/csv_reader.hpp"
#include "descent/data/idx_reader.hpp"
#include "descent/train/model_file.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using descent::read_file;
using descent::test::run_cli;

namespace {

/// Row i of a deterministic data set with features a, b, c: class "lo" / "mid" / "hi" from a
/// linear score, or (regression) the score itself.
struct Row {
  double a, b, c;
  std::string label(bool regression) const {
    const double score = 2 * a - b + 0.5 * c;
    if (regression) return fmt::format("{}", score);
    return score < -1 ? "lo" : score < 1 ? "mid" : "hi";
  }
};
Row row(int i) {
  return {((i * 37) % 23 - 11) / 7.0, ((i * 11) % 17 - 8) / 5.0, ((i * 5) % 13 - 6) / 3.0};
}

/// a,b,c,label rows [first, first + n).
std::string training_csv(int first, int n, bool regression) {
  std::string text = "a,b,c,label\n";
  for (int i = first; i < first + n; ++i) {
    const Row r = row(i);
    text += fmt::format("{},{},{},{}\n", r.a, r.b, r.c, r.label(regression));
  }
  return text;
}

/// The same kind of rows with the columns shuffled, no target and an extra id column.
std::string new_csv(int first, int n) {
  std::string text = "c,id,a,b\n";
  for (int i = first; i < first + n; ++i) {
    const Row r = row(i);
    text += fmt::format("{},row{},{},{}\n", r.c, i, r.a, r.b);
  }
  return text;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::istringstream l(line);
    for (std::string f; std::getline(l, f, ',');) fields.push_back(f);
    rows.push_back(fields);
  }
  return rows;
}

class CliPredict : public ::testing::Test {
 protected:
  void SetUp() override { root_ = descent::test::scratch_dir(); }
  void TearDown() override { fs::remove_all(root_); }

  /// Trains on rows [0, 240) with rows [240, 300) as a separate test file; returns a directory
  /// holding nothing but the run's model.safetensors.
  fs::path train(bool regression, const std::string& extra = "") {
    std::ofstream(root_ / "train.csv") << training_csv(0, 240, regression);
    std::ofstream(root_ / "test.csv") << training_csv(240, 60, regression);
    const auto r = run_cli("train --data " + (root_ / "train.csv").string() +
                           " --target label --model mlp:8 --lr 0.02 --epochs 10 --progress none " +
                           extra + " --test-data " + (root_ / "test.csv").string() + " --out " +
                           (root_ / "run").string());
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    const auto only = root_ / "only";
    fs::create_directories(only);
    fs::copy_file(root_ / "run" / "model.safetensors", only / "model.safetensors");
    return only;
  }

  fs::path root_;
};

}  // namespace

TEST_F(CliPredict, ClassificationMatchesTheLibraryWithShuffledColumns) {
  const auto model_dir = train(false);
  std::ofstream(root_ / "new.csv") << new_csv(1000, 2500);  // more than one block of rows
  const auto out = root_ / "predictions.csv";
  const auto r = run_cli("predict --model " + model_dir.string() + " --data " +
                         (root_ / "new.csv").string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("ignoring column id"), std::string::npos) << r.err;

  // The library on the same rows in the training column order.
  std::ofstream(root_ / "same.csv") << training_csv(1000, 2500, false);
  const auto rows = descent::data::read_csv(root_ / "same.csv", {.target = "label"});
  auto model = descent::train::load_model(model_dir / "model.safetensors");
  ASSERT_EQ(model.card().classes, (std::vector<std::string>{"hi", "lo", "mid"}));
  EXPECT_EQ(model.card().feature_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(model.card().spec.activation, "relu");
  const auto p = model.predict(rows.x);

  const auto csv = parse_csv(read_file(out));
  ASSERT_EQ(csv.size(), 2501u);
  EXPECT_EQ(csv[0], (std::vector<std::string>{"prediction", "p_hi", "p_lo", "p_mid"}));
  std::size_t agree = 0;
  for (Eigen::Index i = 0; i < p.rows(); ++i) {
    const auto& line = csv[static_cast<std::size_t>(i) + 1];
    ASSERT_EQ(line.size(), 4u);
    Eigen::Index best;
    p.row(i).maxCoeff(&best);
    EXPECT_EQ(line[0], model.card().classes[static_cast<std::size_t>(best)]) << i;
    for (Eigen::Index j = 0; j < 3; ++j)  // a float model: probabilities printed as floats
      EXPECT_EQ(std::stof(line[static_cast<std::size_t>(j) + 1]), static_cast<float>(p(i, j)));
    agree += line[0] == row(1000 + static_cast<int>(i)).label(false);
  }
  EXPECT_GT(agree, 2000u);  // the model learned something
}

TEST_F(CliPredict, RegressionIsInTheDataUnitsAndPassesTheTargetThrough) {
  const auto model_dir = train(true, "--dtype double");
  const auto data = root_ / "labelled.csv";
  std::ofstream(data) << training_csv(500, 50, true);
  const auto r = run_cli("predict --model " + model_dir.string() + " --data " + data.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto csv = parse_csv(r.out);  // on stdout without --out
  ASSERT_EQ(csv.size(), 51u);
  EXPECT_EQ(csv[0], (std::vector<std::string>{"label", "prediction"}));
  auto model = descent::train::load_model(model_dir);
  EXPECT_EQ(model.card().dtype, "double");
  const auto p = model.predict(descent::data::read_csv(data, {.target = "label"}).x);
  double worst = 0;
  for (std::size_t i = 1; i < csv.size(); ++i) {
    EXPECT_EQ(csv[i][0], row(499 + static_cast<int>(i)).label(true));
    EXPECT_EQ(std::stod(csv[i][1]), p(static_cast<Eigen::Index>(i) - 1, 0));
    worst = std::max(worst, std::abs(std::stod(csv[i][1]) - std::stod(csv[i][0])));
  }
  EXPECT_LT(worst, 2.0);  // in the data's units (the score spans about -8 .. 8)
}

TEST_F(CliPredict, EvaluateReproducesTheRunsTestMetrics) {
  for (const bool regression : {false, true}) {
    SCOPED_TRACE(regression ? "regression" : "classification");
    fs::remove_all(root_);
    fs::create_directories(root_);
    const auto model_dir = train(regression);
    const auto summary = nlohmann::json::parse(read_file(root_ / "run" / "summary.json"));
    const auto json = root_ / "evaluation.json";
    const auto r = run_cli("evaluate --model " + (model_dir / "model.safetensors").string() +
                           " --data " + (root_ / "test.csv").string() + " --out " + json.string());
    ASSERT_EQ(r.code, 0) << r.err;
    const auto e = nlohmann::json::parse(read_file(json));
    std::size_t compared = 0;
    for (const auto& [name, value] : e["metrics"].items()) {
      ASSERT_TRUE(summary["final"].contains(name)) << name;
      EXPECT_EQ(value.get<double>(), summary["final"][name].get<double>()) << name;
      EXPECT_NE(r.out.find(name), std::string::npos) << r.out;
      ++compared;
    }
    EXPECT_EQ(compared, regression ? 4u : 2u);  // loss + mse, mae, r2 | loss + accuracy
    if (!regression) {
      EXPECT_EQ(e["confusion_matrix"]["matrix"], summary["confusion_matrix"]["matrix"]);
      EXPECT_EQ(e["confusion_matrix"]["f1"], summary["confusion_matrix"]["f1"]);
      EXPECT_NE(r.out.find("confusion matrix"), std::string::npos) << r.out;
    }
  }
}

// A two-class target with a binary loss: one output logit (not two), the usual classification
// metrics, and predict's two probability columns sigmoid(-z), sigmoid(z).
TEST_F(CliPredict, BinaryLossesTrainOneLogit) {
  std::string text = "a,b,label\n";
  for (int i = 0; i < 200; ++i) {
    const Row r = row(i);
    text += fmt::format("{},{},{}\n", r.a, r.b, 2 * r.a - r.b > 0 ? "yes" : "no");
  }
  std::ofstream(root_ / "binary.csv") << text;
  for (const std::string loss : {"bce_with_logits", "binary_focal"}) {
    SCOPED_TRACE(loss);
    const auto dir = root_ / loss;
    const auto r =
        run_cli("train --data " + (root_ / "binary.csv").string() +
                " --target label --model linear --lr 0.05 --epochs 20 --progress none --loss " +
                loss + " --out " + dir.string());
    ASSERT_EQ(r.code, 0) << r.err;
    const auto summary = nlohmann::json::parse(read_file(dir / "summary.json"));
    EXPECT_GT(summary["final"]["val_accuracy"].get<double>(), 0.8);
    EXPECT_GT(summary["final"]["val_roc_auc"].get<double>(), 0.8);
    auto model = descent::train::load_model(dir);
    EXPECT_EQ(model.card().outputs, 1u);
    EXPECT_EQ(model.card().classes, (std::vector<std::string>{"no", "yes"}));
    const auto p =
        run_cli("predict --model " + dir.string() + " --data " + (root_ / "binary.csv").string());
    ASSERT_EQ(p.code, 0) << p.err;
    const auto csv = parse_csv(p.out);
    EXPECT_EQ(csv[0], (std::vector<std::string>{"label", "prediction", "p_no", "p_yes"}));
    EXPECT_NEAR(std::stod(csv[1][2]) + std::stod(csv[1][3]), 1.0, 1e-6);
  }
  std::ofstream(root_ / "three.csv") << training_csv(0, 60, false);
  const auto bad = run_cli("train --data " + (root_ / "three.csv").string() +
                           " --target label --loss bce_with_logits --progress none --out " +
                           (root_ / "bad").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("binary loss but the target has 3 classes"), std::string::npos) << bad.err;
}

namespace {
/// An uncompressed IDX file: magic 0x000008<rank>, big-endian dimensions, bytes.
void write_idx(const fs::path& path, std::vector<std::uint32_t> dims,
               const std::vector<std::uint8_t>& bytes) {
  std::string out = {0, 0, 8, static_cast<char>(dims.size())};
  for (const auto d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(d >> shift & 0xff);
  out.append(bytes.begin(), bytes.end());
  std::ofstream(path, std::ios::binary) << out;
}
}  // namespace

// An IDX folder: predictions for its images, the label passed through, equal to the library's.
TEST_F(CliPredict, IdxFolder) {
  const auto idx = root_ / "idx";
  fs::create_directories(idx);
  constexpr std::uint32_t n = 300;
  std::vector<std::uint8_t> images(n * 4 * 4), labels(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    labels[i] = static_cast<std::uint8_t>(i % 3);
    for (std::uint32_t p = 0; p < 16; ++p)  // class c lights up pixels 5c .. 5c + 4
      images[i * 16 + p] =
          static_cast<std::uint8_t>((p / 5 == i % 3 ? 200 : 20) + (i * 7 + p * 3) % 40);
  }
  write_idx(idx / "train-images-idx3-ubyte", {n, 4, 4}, images);
  write_idx(idx / "train-labels-idx1-ubyte", {n}, labels);
  const auto r = run_cli("train --data " + idx.string() +
                         " --model linear --lr 0.05 --epochs 10 --progress none --out " +
                         (root_ / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto p = run_cli("predict --model " + (root_ / "run").string() + " --data " + idx.string());
  ASSERT_EQ(p.code, 0) << p.err;
  const auto csv = parse_csv(p.out);
  ASSERT_EQ(csv.size(), n + 1);
  ASSERT_EQ(csv[0].size(), 5u);  // target, prediction, p_0, p_1, p_2
  EXPECT_EQ(csv[0][2], "p_0");
  auto model = descent::train::load_model(root_ / "run");
  const auto x = descent::data::read_idx_dataset(idx / "train-images-idx3-ubyte",
                                                 idx / "train-labels-idx1-ubyte");
  const auto probabilities = model.predict(x.x);
  std::size_t right = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    EXPECT_EQ(csv[i + 1][0], std::to_string(i % 3));
    for (Eigen::Index j = 0; j < 3; ++j)
      EXPECT_EQ(std::stof(csv[i + 1][static_cast<std::size_t>(j) + 2]),
                static_cast<float>(probabilities(i, j)));
    right += csv[i + 1][1] == csv[i + 1][0];
  }
  EXPECT_GT(right, n * 9 / 10);
}

TEST_F(CliPredict, BadInputIsOneLineAndWritesNothing) {
  const auto model_dir = train(false);
  const auto out = root_ / "predictions.csv";
  // A feature column missing: named.
  std::ofstream(root_ / "missing.csv") << "a,bb,label\n1,2,x\n";
  auto r = run_cli("predict --model " + model_dir.string() + " --data " +
                   (root_ / "missing.csv").string() + " --out " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("no feature column 'b'"), std::string::npos) << r.err;
  // A bad cell half-way: no partial predictions file.
  std::string text = new_csv(0, 20000);
  text += "1,x,oops,2\n";
  std::ofstream(root_ / "bad.csv") << text;
  r = run_cli("predict --model " + model_dir.string() + " --data " + (root_ / "bad.csv").string() +
              " --out " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.csv:20002"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  for (const auto& f : fs::directory_iterator(root_))  // nor a temporary file left behind
    EXPECT_EQ(f.path().filename().string().find("predictions.csv"), std::string::npos);
  // An older model file (metadata without the architecture) names what it lacks.
  descent::SafetensorsWriter w;
  w.add<float>("0.weight", std::vector<float>{1, 2}, {1, 2});
  w.set_metadata("run", R"({"task":"regression","feature_names":["a","b"],"model":"linear"})");
  w.write(root_ / "old.safetensors");
  r = run_cli("evaluate --model " + (root_ / "old.safetensors").string() + " --data " +
              (root_ / "test.csv").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  for (const char* lacking : {"architecture", "dtype", "loss", "descent_version"})
    EXPECT_NE(r.err.find(lacking), std::string::npos) << lacking << ": " << r.err;
}
