// Diagnostics of a training run: the loss's sharpness (lambda_max) against the exact Hessian of a
// linear least-squares loss, divergence warnings, start-of-training checks, dead ReLU units, and
// the LR finder leaving the model and optimizer as it found them.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstring>
#include <numeric>

#include "descent/core/error.hpp"
#include "descent/nn/linear.hpp"
#include "descent/train/divergence_monitor.hpp"
#include "descent/train/lr_finder.hpp"
#include "descent/train/nonfinite_guard.hpp"
#include "descent/train/sharpness.hpp"
#include "descent/train/start_checks.hpp"
#include "descent/train/step_logger.hpp"
#include "trainer_support.hpp"

using namespace descent;
using namespace descent::train;
using support::Rig;

namespace {
data::Dataset regression_rows(std::size_t samples) {
  return data::make_linear_regression({.samples = samples, .seed = 7});
}

/// lambda_max of the mean squared error of a linear model y = w.x + b: the Hessian in (w, b) is
/// (2/n) A^T A with A = [X 1].
double exact_lambda_max(const data::Dataset& d) {
  Eigen::MatrixXd a(d.x.rows(), d.x.cols() + 1);
  a.leftCols(d.x.cols()) = d.x.cast<double>();
  a.col(d.x.cols()).setOnes();
  const Eigen::MatrixXd h = 2.0 / double(d.rows()) * a.transpose() * a;
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(h).eigenvalues().maxCoeff();
}

data::Dataset first_rows(const data::Dataset& d, std::size_t n) {
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  return data::select_rows(d, rows);
}

template <class T>
std::vector<T> copy(std::span<const T> s) {
  return {s.begin(), s.end()};
}

std::string sgd(double lr) {
  return R"({"name":"sgd","lr":)" + fmt::format("{}", lr) + "}";
}

TEST(Sharpness, FiniteDifferencesMatchTheExactHessianOfLeastSquares) {
  const auto data = regression_rows(200);
  Rig<double> rig({.optimizer = sgd(0.01), .options = {.epochs = 1, .batch_size = 0}});
  auto& params = rig.model->params;
  // Some gradient in the buffer: the estimate must leave it (and the weights) bit-equal.
  std::fill(params.grads().begin(), params.grads().end(), 0.25);
  const auto w0 = copy<double>(params.values()), g0 = copy<double>(params.grads());
  const auto probe = ProbeBatch<double>::from(data, data.rows());
  const auto e =
      estimate_sharpness(*rig.trainer, probe, {.max_iterations = 200, .tolerance = 1e-9});
  const double exact = exact_lambda_max(data);
  EXPECT_LT(std::abs(e.lambda_max - exact) / exact, 1e-6) << e.lambda_max << " vs " << exact;
  EXPECT_EQ(copy<double>(params.values()), w0);
  EXPECT_EQ(copy<double>(params.grads()), g0);
  EXPECT_TRUE(rig.model->net->training());
}

TEST(Sharpness, LoggerWritesLambdaBesideLrAndLeavesTrainingBitIdentical) {
  const auto data = regression_rows(200);
  auto train = [&](bool with_logger) {
    Rig<float> rig({.optimizer = sgd(0.05), .options = {.epochs = 2, .batch_size = 50}});
    rig.trainer->add_callback(std::make_unique<StepLogger<float>>());
    if (with_logger)
      rig.trainer->add_callback(std::make_unique<SharpnessLogger<float>>(
          ProbeBatch<float>::from(data, 100), /*every=*/3));
    rig.trainer->fit(data);
    return std::make_pair(rig.weights(), rig.trainer->step_log());
  };
  const auto [plain, plain_log] = train(false);
  const auto [logged, log] = train(true);
  EXPECT_EQ(plain, logged);
  ASSERT_EQ(log.size(), 8u);  // 4 steps per epoch
  for (const auto& row : log) {
    const auto step = static_cast<std::int64_t>(*row.get("step"));
    ASSERT_EQ(row.contains("lambda_max"), step % 3 == 0) << step;
    if (step % 3) continue;
    // Least squares: the Hessian does not depend on the weights; the probe is the first 100 rows.
    const double exact = exact_lambda_max(first_rows(data, 100));
    EXPECT_LT(std::abs(*row.get("lambda_max") - exact) / exact, 1e-2) << step;
    EXPECT_DOUBLE_EQ(*row.get("two_over_lambda_max"), 2 / *row.get("lambda_max"));
    EXPECT_TRUE(row.contains("lr"));
  }
}

// `descent train` estimates the sharpness for its start check just before fit(): the logger's
// estimate at the start of fit (the same weights, the same probe) is that one, not a second one.
TEST(Sharpness, LoggerDoesNotEstimateTwiceAtTheSameStep) {
  const auto data = regression_rows(200);
  Rig<double> rig({.optimizer = sgd(0.01), .options = {.epochs = 1, .batch_size = 0}});
  auto& logger = static_cast<SharpnessLogger<double>&>(rig.trainer->add_callback(
      std::make_unique<SharpnessLogger<double>>(ProbeBatch<double>::from(data, 100), 0)));
  ASSERT_TRUE(logger.estimate_now(*rig.trainer).has_value());
  rig.trainer->fit(data);
  ASSERT_EQ(logger.records().size(), 1u);
  EXPECT_EQ(logger.records()[0].step, 0);
  // Without the check, fit() estimates at its start.
  Rig<double> fresh({.optimizer = sgd(0.01), .options = {.epochs = 1, .batch_size = 0}});
  auto& started = static_cast<SharpnessLogger<double>&>(fresh.trainer->add_callback(
      std::make_unique<SharpnessLogger<double>>(ProbeBatch<double>::from(data, 100), 0)));
  fresh.trainer->fit(data);
  EXPECT_EQ(started.records().size(), 1u);
}

// Gradient descent on least squares with lr = 2.5 / lambda_max: every step multiplies the error
// along the top eigenvector by |1 - 2.5| = 1.5, so the loss rises from the first steps.
TEST(Divergence, WarnsWithTheStepAndTheStableLr) {
  const auto data = regression_rows(200);
  const double lambda = exact_lambda_max(data);
  Rig<double> rig({.optimizer = sgd(2.5 / lambda), .options = {.epochs = 40, .batch_size = 0}});
  auto& sharpness = static_cast<SharpnessLogger<double>&>(rig.trainer->add_callback(
      std::make_unique<SharpnessLogger<double>>(ProbeBatch<double>::from(data, 200), 0)));
  std::vector<DivergenceWarning> seen;
  auto& monitor = static_cast<DivergenceMonitor<double>&>(
      rig.trainer->add_callback(std::make_unique<DivergenceMonitor<double>>(
          DivergenceOptions{.rise_steps = 5, .factor = 10}, &sharpness,
          [&](const DivergenceWarning& w) { seen.push_back(w); })));
  rig.trainer->fit(data);
  ASSERT_EQ(monitor.warnings().size(), 1u);
  ASSERT_EQ(seen.size(), 1u);
  const auto& w = monitor.warnings()[0];
  // The loss grows ~1.5^2 per step: 10x its best within a few steps (or 5 rises in a row).
  EXPECT_GE(w.step, 2);
  EXPECT_LE(w.step, 10);
  EXPECT_NE(w.message.find(fmt::format("step {}:", w.step)), std::string::npos) << w.message;
  EXPECT_NE(w.message.find(fmt::format("2/lambda_max = {:.3g}", 2 / lambda)), std::string::npos)
      << w.message;
}

TEST(Divergence, StaysQuietBelowTheStableLr) {
  const auto data = regression_rows(200);
  const double lambda = exact_lambda_max(data);
  for (const std::size_t batch : {std::size_t{0}, std::size_t{10}}) {
    Rig<double> rig(
        {.optimizer = sgd(0.5 / lambda), .options = {.epochs = 30, .batch_size = batch}});
    auto& monitor = static_cast<DivergenceMonitor<double>&>(rig.trainer->add_callback(
        std::make_unique<DivergenceMonitor<double>>(DivergenceOptions{})));
    rig.trainer->fit(data);
    EXPECT_TRUE(monitor.warnings().empty()) << batch << ": " << monitor.warnings()[0].message;
  }
}

TEST(Divergence, NonFiniteGuardHintIsTwoOverLambda) {
  const auto data = regression_rows(200);
  const double lambda = exact_lambda_max(data);
  Rig<float> rig({.optimizer = sgd(50 / lambda), .options = {.epochs = 100, .batch_size = 0}});
  auto sharpness = std::make_unique<SharpnessLogger<float>>(ProbeBatch<float>::from(data, 200), 0);
  auto* s = sharpness.get();
  rig.trainer->add_callback(std::make_unique<NonFiniteGuard<float>>(NonFinitePolicy::stop, s));
  rig.trainer->add_callback(std::move(sharpness));
  try {
    rig.trainer->fit(data);
    FAIL() << "lr = 50/lambda_max did not diverge";
  } catch (const NumericalError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("gradient descent is stable for lr < 2/lambda_max = "), std::string::npos)
        << what;
    ASSERT_EQ(s->records().size(), 1u);  // estimated when training began
    EXPECT_LT(std::abs(s->records()[0].lambda_max - lambda) / lambda, 1e-2);
  }
}

TEST(StartChecks, InitialLossIsComparedWithLnC) {
  const auto blobs = data::make_blobs({.samples = 300, .classes = 3, .seed = 1});
  Rig<double> rig({.model = "mlp:16",
                   .outputs = 3,
                   .loss = "cross_entropy",
                   .optimizer = sgd(0.1),
                   .options = {.num_classes = 3}});
  auto probe = ProbeBatch<double>::from(blobs, 300);
  auto found = start_checks(*rig.trainer, probe);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("ln(3) = 1.099"), std::string::npos) << found[0].message;
  // The loss printed is the mean cross-entropy of the probe rows at the initial weights.
  const double loss = rig.loss->value(rig.model->net->forward(probe.x), probe.target);
  EXPECT_NE(found[0].message.find(fmt::format("initial loss {:.4g}", loss)), std::string::npos);
  EXPECT_EQ(found[0].warning, !(loss >= 0.5 * std::log(3.0) && loss <= 2 * std::log(3.0)));
  // Inputs scaled by 1000: the logits are huge and the loss far from ln 3.
  probe.x *= 1000;
  found = start_checks(*rig.trainer, probe);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].warning);
  EXPECT_NE(found[0].message.find("far off"), std::string::npos) << found[0].message;
}

TEST(StartChecks, ZeroInitOfAnMlpWarnsOfSymmetricUnits) {
  const auto data = regression_rows(50);
  Rig<double> rig({.model = "mlp:8,4", .optimizer = sgd(0.1)});
  const auto probe = ProbeBatch<double>::from(data, 50);
  EXPECT_TRUE(start_checks(*rig.trainer, probe).empty());  // default init: no finding (MSE)
  rig.model->net->initialize(nn::InitScheme::Zeros, 1, 0);
  const auto found = start_checks(*rig.trainer, probe);
  ASSERT_EQ(found.size(), 2u);  // both hidden layers; the output layer may be symmetric
  EXPECT_TRUE(found[0].warning);
  EXPECT_NE(found[0].message.find("the 8 units of layer 0 start identical"), std::string::npos)
      << found[0].message;
  EXPECT_NE(found[1].message.find("the 4 units of layer 2"), std::string::npos) << found[1].message;
  // A zero-initialized linear model (one layer: its units are outputs) is fine.
  Rig<double> linear({.model = "linear", .optimizer = sgd(0.1)});
  linear.model->net->initialize(nn::InitScheme::Zeros, 1, 0);
  EXPECT_TRUE(start_checks(*linear.trainer, probe).empty());
}

TEST(DeadUnits, FractionOfReluUnitsThatNeverFire) {
  const auto data = regression_rows(100);
  Rig<double> rig({.model = "mlp:8,6", .optimizer = sgd(0.01), .options = {.epochs = 1}});
  auto& first = static_cast<nn::Linear<double>&>((*rig.model->net)[0]);
  // Units 0..3 of the first layer never fire on these inputs (bias -1e6), units 4..7 always do.
  for (int u = 0; u < 8; ++u) first.bias()(u) = u < 4 ? -1e6 : 1e6;
  const auto probe = ProbeBatch<double>::from(data, 100);
  const auto f = dead_relu_fractions(*rig.model->net, probe);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0], 0.5);
  // Second layer: zero weights and a negative bias, so every unit outputs 0.
  auto& second = static_cast<nn::Linear<double>&>((*rig.model->net)[2]);
  second.weight().setZero();
  second.bias().setConstant(-1);
  EXPECT_EQ(dead_relu_fractions(*rig.model->net, probe)[1], 1.0);
  rig.trainer->add_callback(std::make_unique<DeadUnits<double>>(probe));
  rig.trainer->fit(data);
  EXPECT_TRUE(rig.trainer->history().back().contains("dead_relu_1"));
  EXPECT_TRUE(rig.trainer->history().back().contains("dead_relu_2"));
}

TEST(LRFinder, RestoresWeightsAndOptimizerStateBitForBit) {
  const auto data = regression_rows(300);
  Rig<float> rig({.model = "mlp:8",
                  .optimizer = R"({"name":"adam","lr":0.01})",
                  .options = {.epochs = 1, .batch_size = 32}});
  rig.trainer->fit(data);  // moments and step counts that are not zero
  const auto w0 = rig.weights();
  const auto s0 = rig.optimizer->state_dict();
  sched::LRRangeTest test({.start_lr = 1e-5, .end_lr = 10, .num_steps = 20});
  Trainer<float> finder(*rig.model->net, rig.model->params, *rig.loss, *rig.optimizer, nullptr,
                        {.epochs = 3, .batch_size = 32});
  finder.add_callback(std::make_unique<LRFinder<float>>(test));
  finder.fit(data);
  ASSERT_GE(test.lrs().size(), 3u);  // it trained: the weights moved during the sweep
  const auto s1 = rig.optimizer->state_dict();
  const auto w1 = rig.weights();
  ASSERT_EQ(w1.size(), w0.size());
  EXPECT_EQ(std::memcmp(w1.data(), w0.data(), w0.size() * sizeof(float)), 0);
  EXPECT_EQ(s1.optimizer, s0.optimizer);
  EXPECT_EQ(s1.groups, s0.groups);  // lr, betas, step
  ASSERT_EQ(s1.buffers.size(), s0.buffers.size());
  for (std::size_t i = 0; i < s0.buffers.size(); ++i) {
    EXPECT_EQ(s1.buffers[i].first, s0.buffers[i].first);
    EXPECT_EQ(s1.buffers[i].second, s0.buffers[i].second) << s0.buffers[i].first;
  }
}

}  // namespace
