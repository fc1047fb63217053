// The LR range test on synthetic loss curves whose steepest point and minimum are known.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/sched/range_test.hpp"
#include "support/golden.hpp"

namespace descent::test {
namespace {

using sched::LRRangeTest;

// Loss as a function of x = ln(lr): 1 - tanh(x - ln 1e-3)/2 falls fastest at lr = 1e-3 and keeps
// falling until lr = 0.1, where it turns and grows as e^(5 (x - ln 0.1)).
double synthetic_loss(double lr) {
  const double x = std::log(lr), x0 = std::log(1e-3), x1 = std::log(0.1);
  const double fall = 1 - std::tanh(std::min(x, x1) - x0) / 2;
  return x <= x1 ? fall : fall * std::exp(5 * (x - x1));
}

TEST(RangeTest, FindsSteepestDescentMinimumAndDivergence) {
  // lrs 10^(-6 + i/20): 1e-3 is point 60, 0.1 point 100
  LRRangeTest test({.start_lr = 1e-6, .end_lr = 10, .num_steps = 141, .smoothing = 0});
  while (test.record(synthetic_loss(test.lr()))) {
  }
  EXPECT_TRUE(test.diverged());
  // the loss passes 4x its minimum 3 points after it: e^(5 * 3 ln(10)/20) = 5.6 > 4 > e^(5 * 2
  // ln(10)/20)
  EXPECT_EQ(test.lrs().size(), 104u);
  EXPECT_TRUE(close(test.lrs()[60], 1e-3, 1e-12));
  auto s = test.suggestion();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->steepest_index, 60u);
  EXPECT_EQ(s->min_index, 100u);
  EXPECT_TRUE(close(s->steepest, 1e-3, 1e-12));
  EXPECT_TRUE(close(s->min_loss_div10, 1e-2, 1e-12));
}

// fastai's valley on a noisy curve. The expected index comes from fastai's own `valley` function
// (fastai/callback/schedule.py) run in Python on losses[30 // 10 : -5] as its lr_find does: index
// 10 of that slice, 13 of the whole curve.
TEST(RangeTest, ValleySuggestionIsFastais) {
  const std::vector<double> losses = {3.0, 3.1,  2.9, 3.0, 2.95, 2.8, 2.85, 2.6, 2.7, 2.4,
                                      2.5, 2.2,  2.3, 2.0, 1.9,  2.1, 1.7,  1.8, 1.5, 1.6,
                                      1.4, 1.45, 1.6, 2.0, 2.5,  3.2, 4.0,  5.0, 6.5, 8.0};
  LRRangeTest test(
      {.start_lr = 1e-5, .end_lr = 1, .num_steps = 30, .smoothing = 0, .diverge_factor = 100});
  for (const double loss : losses) test.record(loss);
  ASSERT_TRUE(test.done());
  ASSERT_FALSE(test.diverged());
  const auto s = test.suggestion();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->valley_index, 13u);
  EXPECT_EQ(s->valley, test.lrs()[13]);
  EXPECT_EQ(s->min_index, 20u);
}

// The smoothed loss lags: one raw loss 5x the best stops the sweep while the average is ~1.08.
TEST(RangeTest, RawLossAboveTheFactorStopsTheSweep) {
  LRRangeTest test({.start_lr = 1e-5, .end_lr = 1, .num_steps = 100, .smoothing = 0.98});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(test.record(1.0));
  EXPECT_FALSE(test.record(5.0));
  EXPECT_TRUE(test.diverged());
  EXPECT_LT(test.smoothed().back(), 4.0);
}

TEST(RangeTest, SmoothedLossIsTheBiasCorrectedAverage) {
  LRRangeTest test({.start_lr = 1e-4, .end_lr = 1, .num_steps = 10, .smoothing = 0.9});
  test.record(2.0);
  test.record(1.0);
  EXPECT_EQ(test.smoothed()[0], 2.0);  // (0.1 * 2) / (1 - 0.9)
  // (0.9 * 0.1 * 2 + 0.1 * 1) / (1 - 0.81) = 0.28 / 0.19
  EXPECT_TRUE(close(test.smoothed()[1], 0.28 / 0.19, 1e-14));
}

TEST(RangeTest, SweepsExponentiallyOrLinearlyAndEnds) {
  LRRangeTest exp({.start_lr = 1e-4, .end_lr = 1, .num_steps = 5});
  LRRangeTest lin({.start_lr = 0.1, .end_lr = 0.5, .num_steps = 5, .mode = "linear"});
  const double exp_lrs[] = {1e-4, 1e-3, 1e-2, 1e-1, 1};
  const double lin_lrs[] = {0.1, 0.2, 0.3, 0.4, 0.5};
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(close(exp.lr(), exp_lrs[i], 1e-14)) << i;
    EXPECT_TRUE(close(lin.lr(), lin_lrs[i], 1e-14)) << i;
    EXPECT_EQ(exp.record(1.0 - 0.1 * i), i < 4);
    lin.record(1.0);
  }
  EXPECT_TRUE(exp.done());
  EXPECT_FALSE(exp.diverged());
  EXPECT_THROW(exp.record(1.0), UsageError);
}

TEST(RangeTest, NonFiniteLossStopsAndTooFewPointsGiveNoSuggestion) {
  LRRangeTest test({.num_steps = 50});
  test.record(1.0);
  test.record(0.9);
  EXPECT_FALSE(test.suggestion());
  EXPECT_FALSE(test.record(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_TRUE(test.diverged());
  EXPECT_FALSE(test.suggestion());
}

TEST(RangeTest, RejectsBadOptions) {
  EXPECT_THROW(LRRangeTest({.start_lr = 1, .end_lr = 0.1}), ConfigError);
  EXPECT_THROW(LRRangeTest({.num_steps = 1}), ConfigError);
  EXPECT_THROW(LRRangeTest({.mode = "log"}), ConfigError);
  EXPECT_THROW(LRRangeTest({.smoothing = 1}), ConfigError);
}

}  // namespace
}  // namespace descent::test
