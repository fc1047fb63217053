// The LR range test on synthetic loss curves whose steepest point and minimum are known.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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
