// Metric values on small cases computed by hand (each expectation says how).
#include <gtest/gtest.h>

#include <cmath>

#include "descent/core/error.hpp"
#include "descent/train/accuracy.hpp"
#include "descent/train/confusion_matrix.hpp"
#include "descent/train/mean_loss.hpp"
#include "descent/train/regression_metrics.hpp"
#include "descent/train/roc_auc.hpp"
#include "descent/train/top_k.hpp"

using namespace descent::train;

namespace {
// Four rows, three classes. Argmax per row: 0, 2, 1, 1. Targets: 0, 1, 1, 2.
const std::vector<double> kLogits = {3, 1, 2, /**/ 0, 1, 5, /**/ 1, 4, 2, /**/ 2, 3, 2.5};
const std::vector<std::int32_t> kLabels = {0, 1, 1, 2};
EvalBatch<double> batch(std::size_t from, std::size_t rows, double loss = 0) {
  return {std::span<const double>(kLogits).subspan(from * 3, rows * 3), rows, 3,   {},
          std::span<const std::int32_t>(kLabels).subspan(from, rows),   1,    loss};
}
}  // namespace

TEST(Metrics, AccuracyCountsArgmaxHitsAcrossBatches) {
  Accuracy<double> acc;
  acc.update(batch(0, 3));
  acc.update(batch(3, 1));
  EXPECT_DOUBLE_EQ(acc.value(), 0.5);  // hits on rows 0 and 2
  MetricRow row;
  acc.write(row, "val");
  EXPECT_EQ(row.names(), std::vector<std::string>{"val_accuracy"});
  acc.reset();
  acc.update(batch(1, 1));
  EXPECT_DOUBLE_EQ(acc.value(), 0.0);
}

TEST(Metrics, BinaryAccuracyUsesTheSignOfASingleLogit) {
  const std::vector<float> logits = {-1.f, 0.5f, 2.f, -0.1f};
  const std::vector<std::int32_t> labels = {0, 1, 0, 1};
  Accuracy<float> acc;
  acc.update({logits, 4, 1, {}, labels, 1, 0});
  EXPECT_DOUBLE_EQ(acc.value(), 0.5);  // predictions 0,1,1,0
}

TEST(Metrics, RocAucIsTheChanceAPositiveOutscoresANegative) {
  // Scores 0.1 0.4 | 0.35 0.8 (negatives | positives): of the 4 pairs, 3 are ordered: 0.75.
  const std::vector<double> logits = {0.1, 0.4, 0.35, 0.8};
  const std::vector<std::int32_t> labels = {0, 0, 1, 1};
  RocAuc<double> auc;
  auc.update({std::span<const double>(logits).subspan(0, 2),
              2,
              1,
              {},
              std::span<const std::int32_t>(labels).subspan(0, 2),
              1,
              0});
  auc.update({std::span<const double>(logits).subspan(2, 2),
              2,
              1,
              {},
              std::span<const std::int32_t>(labels).subspan(2, 2),
              1,
              0});
  EXPECT_DOUBLE_EQ(auc.value(), 0.75);
  // Two outputs score z1 - z0; a tie counts one half: scores 1 (neg), 1 and 2 (pos): (0.5 + 1)/2.
  const std::vector<float> two = {0, 1, /**/ 1, 2, /**/ 0, 2};
  const std::vector<std::int32_t> two_labels = {0, 1, 1};
  RocAuc<float> tied;
  tied.update({two, 3, 2, {}, two_labels, 1, 0});
  EXPECT_DOUBLE_EQ(tied.value(), 0.75);
  MetricRow row;
  tied.write(row, "test");
  EXPECT_EQ(row.names(), std::vector<std::string>{"test_roc_auc"});
  tied.reset();
  const std::vector<std::int32_t> one_class = {1, 1, 1};
  tied.update({two, 3, 2, {}, one_class, 1, 0});
  EXPECT_TRUE(std::isnan(tied.value()));
}

TEST(Metrics, TopKRanksTheTargetAmongTheOutputs) {
  // Target's rank (number of outputs strictly larger): row0 0, row1 1 (5 > 1), row2 0,
  // row3 1 (3 > 2.5): top-1 = 2/4 (the accuracy), top-2 = 4/4.
  TopKAccuracy<double> top1(1), top2(2);
  top1.update(batch(0, 4));
  top2.update(batch(0, 4));
  EXPECT_DOUBLE_EQ(top1.value(), 0.5);
  EXPECT_DOUBLE_EQ(top2.value(), 1.0);
  MetricRow row;
  top2.write(row, "test");
  EXPECT_TRUE(row.contains("test_top2_accuracy"));
  // Ties with the target do not push it out: outputs {1, 1, 1}, target 2 has rank 0.
  const std::vector<double> tied = {1, 1, 1};
  const std::vector<std::int32_t> label = {2};
  top1.reset();
  top1.update({tied, 1, 3, {}, label, 1, 0});
  EXPECT_DOUBLE_EQ(top1.value(), 1.0);
  EXPECT_THROW(TopKAccuracy<double>(0), descent::ConfigError);
}

TEST(Metrics, ConfusionMatrixPrecisionRecallF1) {
  ConfusionMatrix<double> cm(3);
  cm.update(batch(0, 4));
  // (target, predicted): (0,0) (1,2) (1,1) (2,1)
  EXPECT_EQ(cm.count(0, 0), 1u);
  EXPECT_EQ(cm.count(1, 2), 1u);
  EXPECT_EQ(cm.count(1, 1), 1u);
  EXPECT_EQ(cm.count(2, 1), 1u);
  EXPECT_DOUBLE_EQ(cm.precision(1), 0.5);  // predicted 1 twice, right once
  EXPECT_DOUBLE_EQ(cm.recall(1), 0.5);     // class 1 twice, found once
  EXPECT_DOUBLE_EQ(cm.f1(1), 0.5);
  EXPECT_DOUBLE_EQ(cm.precision(2), 0.0);
  EXPECT_DOUBLE_EQ(cm.f1(2), 0.0);
  EXPECT_DOUBLE_EQ(cm.f1(0), 1.0);
  MetricRow row;
  cm.write(row, "val");
  EXPECT_DOUBLE_EQ(row.at("val_macro_f1"), 0.5);  // (1 + 0.5 + 0) / 3
  EXPECT_DOUBLE_EQ(row.at("val_macro_precision"), 0.5);
  auto j = cm.to_json();
  EXPECT_EQ(j["support"], nlohmann::ordered_json({1, 2, 1}));
}

TEST(Metrics, ClassIdsOutOfRangeAreRejected) {
  const std::vector<double> out = {1, 2};
  const std::vector<std::int32_t> bad = {2};
  Accuracy<double> acc;
  EXPECT_THROW(acc.update({out, 1, 2, {}, bad, 1, 0}), descent::UsageError);
}

// One regression column fed as a batch of 1 row, then one of the other rows.
RegressionMetrics<double> in_two_batches(const std::vector<double>& yhat,
                                         const std::vector<double>& y) {
  RegressionMetrics<double> m;
  const std::span<const double> out(yhat), target(y);
  m.update({out.first(1), 1, 1, target.first(1), {}, 1, 0});
  m.update({out.subspan(1), y.size() - 1, 1, target.subspan(1), {}, 1, 0});
  return m;
}

TEST(Metrics, RegressionErrorsAndR2) {
  // y = 1,2,3,4; yhat = 1.5,2,2,5: errors .5,0,-1,1.
  const RegressionMetrics<double> m = in_two_batches({1.5, 2, 2, 5}, {1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(m.mse(), 2.25 / 4);     // (.25 + 0 + 1 + 1) / 4
  EXPECT_DOUBLE_EQ(m.mae(), 2.5 / 4);      // (.5 + 0 + 1 + 1) / 4
  EXPECT_DOUBLE_EQ(m.r2(), 1 - 2.25 / 5);  // SS_tot = 2.25+.25+.25+2.25 = 5
  MetricRow row;
  m.write(row, "");
  EXPECT_EQ(row.names(), (std::vector<std::string>{"mse", "mae", "r2"}));
}

// Targets far from zero: y = 1e8 + (1, 2, 3, 4). A plain sum of squares, sum y^2 - (sum y)^2 / N,
// would lose SS_tot = 5 to rounding (y^2 ~ 1e16, where a double's step is 2); on data shifted by a
// target it is exact. The second batch's first row is not the shift.
TEST(Metrics, R2OfTargetsFarFromZeroKeepsItsDigits) {
  const RegressionMetrics<double> m =
      in_two_batches({1e8 + 1.5, 1e8 + 2, 1e8 + 2, 1e8 + 5}, {1e8 + 1, 1e8 + 2, 1e8 + 3, 1e8 + 4});
  EXPECT_DOUBLE_EQ(m.r2(), 1 - 2.25 / 5);
  EXPECT_DOUBLE_EQ(m.mse(), 2.25 / 4);
}

// Targets standardized with s = 3 for training: errors back in the data's units (MSE s^2, MAE s),
// R^2 unchanged.
TEST(Metrics, RegressionErrorsInTheDataUnitsOfStandardizedTargets) {
  const std::vector<double> yhat = {1.5, 2, 2, 5}, y = {1, 2, 3, 4};
  RegressionMetrics<double> m(3.0);
  m.update({std::span<const double>(yhat), 4, 1, std::span<const double>(y), {}, 1, 0});
  EXPECT_DOUBLE_EQ(m.mse(), 9 * 2.25 / 4);
  EXPECT_DOUBLE_EQ(m.mae(), 3 * 2.5 / 4);
  EXPECT_DOUBLE_EQ(m.r2(), 1 - 2.25 / 5);
}

TEST(Metrics, MeanLossWeightsBatchesByRows) {
  MeanLoss<double> loss;
  loss.update(batch(0, 3, 2.0));
  loss.update(batch(3, 1, 6.0));
  EXPECT_DOUBLE_EQ(loss.value(), 3.0);  // (3*2 + 1*6) / 4
}

TEST(MetricRowTest, KeepsColumnOrderAndRoundTripsJson) {
  MetricRow row;
  row.set("val_loss", 0.1);
  row.set("lr", 1e-3);
  row.set("val_loss", 0.2);
  EXPECT_EQ(row.names(), (std::vector<std::string>{"val_loss", "lr"}));
  EXPECT_EQ(MetricRow::from_json(row.to_json()), row);
  EXPECT_THROW(row.at("val_los"), descent::UsageError);
}
