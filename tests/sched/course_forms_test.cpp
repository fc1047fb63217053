// The course's schedules against their formulas, worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "descent/sched/course_forms.hpp"
#include "replay.hpp"

namespace descent::test {
namespace {

using namespace descent::sched;

TEST(CourseForms, ExponentialDecay) {
  const ExponentialDecay smooth{0.96, 100};
  EXPECT_EQ(smooth(0), 1.0);
  EXPECT_TRUE(close(smooth(100), 0.96, 1e-15));
  EXPECT_TRUE(close(smooth(200), 0.96 * 0.96, 1e-15));
  EXPECT_TRUE(close(smooth(50), std::sqrt(0.96), 1e-15));
  // the course's example: lr0 = 0.1, decay_rate 0.96, decay_steps 100 -> 0.096 at step 100, 0.0922
  // at 200
  EXPECT_TRUE(close(0.1 * smooth(100), 0.096, 1e-15));
  EXPECT_NEAR(0.1 * smooth(200), 0.092, 5e-4);
  const ExponentialDecay stairs{0.96, 100, true};
  EXPECT_EQ(stairs(99), 1.0);
  EXPECT_TRUE(close(stairs(150), 0.96, 1e-15));
  EXPECT_TRUE(close(stairs(199), 0.96, 1e-15));
  EXPECT_TRUE(close(stairs(200), 0.96 * 0.96, 1e-15));
}

TEST(CourseForms, NaturalExpAndInverseTimeDecay) {
  EXPECT_TRUE(close(NaturalExpDecay{0.5}(2), std::exp(-1.0), 1e-15));
  EXPECT_TRUE(close(NaturalExpDecay{0.01}(100), std::exp(-1.0), 1e-15));
  EXPECT_EQ(InverseTimeDecay{0.5}(0), 1.0);
  EXPECT_EQ(InverseTimeDecay{0.5}(2), 0.5);   // 1 / (1 + 0.5*2)
  EXPECT_EQ(InverseTimeDecay{0.5}(6), 0.25);  // 1 / (1 + 0.5*6)
}

TEST(CourseForms, LinearWarmupAndInverseSqrt) {
  const LinearWarmup warm{4};
  const double expected[] = {0, 0.25, 0.5, 0.75, 1, 1, 1};  // t/4, then 1
  for (int t = 0; t < 7; ++t) EXPECT_EQ(warm(t), expected[t]) << t;
  const LinearWarmup from_fifth{4, 0.2};
  EXPECT_TRUE(close(from_fifth(1), 0.4, 1e-15));  // 0.2 + 0.8 * 1/4
  EXPECT_EQ(from_fifth(4), 1.0);

  const InverseSqrt rsqrt{4};
  EXPECT_EQ(rsqrt(2), 0.5);  // warmup: 2/4
  EXPECT_EQ(rsqrt(4), 1.0);
  EXPECT_EQ(rsqrt(16), 0.5);  // sqrt(4/16)
  EXPECT_EQ(rsqrt(64), 0.25);
  const InverseSqrt plain{1, 1.0};  // lr0 / sqrt(t), lr0 at t = 0
  EXPECT_EQ(plain(0), 1.0);
  EXPECT_EQ(plain(4), 0.5);
  EXPECT_EQ(plain(100), 0.1);
}

// sched::make's "warmup" in front of cosine annealing: lr0 t/w during warmup, then the cosine form
// restarted at t = w, for each group's own lr0.
TEST(CourseForms, WarmupInFrontOfCosine) {
  Rig rig({{"name", "sgd"}, {"groups", {{{"lr", 0.1}}, {{"lr", 0.4}}}}});
  sched::ParamGroups groups(*rig.optimizer);
  const int w = 10, T = 50;
  const double eta_min = 0.001;
  auto s =
      sched::make(groups, {{"name", "warmup"},
                           {"warmup_steps", w},
                           {"then", {{"name", "cosine"}, {"T_max", T}, {"eta_min", eta_min}}}});
  for (int t = 0; t <= w + T; ++t) {
    for (std::size_t g = 0; g < 2; ++g) {
      const double lr0 = g == 0 ? 0.1 : 0.4;
      const double expected =
          t < w ? lr0 * t / w
                : eta_min + (lr0 - eta_min) * (1 + std::cos(std::numbers::pi * (t - w) / T)) / 2;
      EXPECT_TRUE(close(groups.lr(g), expected, 1e-12)) << "t = " << t << ", group " << g;
    }
    s->step();
  }
}

}  // namespace
}  // namespace descent::test
