// The accuracy floors of the training issue, on the real Fashion-MNIST (Debian package
// dataset-fashion-mnist, which ./test.sh installs): batch 128, 10 epochs, cosine schedule, seed 0,
// evaluated on the official 10k test split. The floors (88.5% for the MLP 784-256-10, 84% for
// softmax regression) are the issue's. The MLP uses ./run.sh's main job (SGD, lr 0.05, momentum
// 0.9: 89.55%); softmax regression uses Adam, lr 1e-3 (84.40%; seeds 1 and 2: 84.40%, 84.31%; SGD
// as for the MLP gets 84.05%, too close to the floor to tell a regression from noise).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "support/cli.hpp"

namespace {

namespace fs = std::filesystem;

// The official data files as the Debian package installs them.
bool fashion_mnist_installed() {
  return fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
}

// Trains `model` with `optimizer` (JSON) and the shared recipe; returns summary.json.
nlohmann::json train(const std::string& model, const std::string& optimizer) {
  const auto dir = descent::test::scratch_dir();
  const auto r = descent::test::run_cli(
      "train --data fashion-mnist --model " + model +
      " --activation relu --batch-size 128 --val-split 0.1 --seed 0 --epochs 10"
      " --schedule '{\"name\":\"cosine\",\"T_max\":10}'"
      " --optimizer '" +
      optimizer + "' --progress none --out " + (dir / "run").string());
  EXPECT_EQ(r.code, 0) << r.err;
  auto summary = nlohmann::json::parse(descent::read_file(dir / "run" / "summary.json"));
  fs::remove_all(dir);
  return summary;
}

TEST(FashionMnistFloor, MlpReaches88Point5Percent) {
  if (!fashion_mnist_installed()) GTEST_SKIP() << "apt-get install dataset-fashion-mnist";
  const auto summary = train("mlp:256", R"({"name":"sgd","lr":0.05,"momentum":0.9})");
  EXPECT_EQ(summary["epochs_run"], 10);
  EXPECT_GE(summary["final"]["test_accuracy"].get<double>(), 0.885) << summary.dump();
}

TEST(FashionMnistFloor, SoftmaxRegressionReaches84Percent) {
  if (!fashion_mnist_installed()) GTEST_SKIP() << "apt-get install dataset-fashion-mnist";
  const auto summary = train("linear", R"({"name":"adam","lr":0.001})");
  EXPECT_GE(summary["final"]["test_accuracy"].get<double>(), 0.84) << summary.dump();
}

}  // namespace
