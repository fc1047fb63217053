// Lion (Chen et al. 2023) has no torch reference: it is checked against three steps computed by
// hand and against properties of the sign update.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "descent/core/params.hpp"
#include "descent/optim/factory.hpp"
#include "descent/optim/lion.hpp"
#include "support/golden.hpp"

namespace descent::optim {
namespace {

using test::close;

TEST(Lion, DefaultsAreThePapers) {
  Params<double> params;
  params.add("w", {1});
  params.allocate();
  auto opt = make<double>(params, "lion");
  const auto o = opt->group_options(0);
  EXPECT_EQ(o["lr"], 1e-4);
  EXPECT_EQ(o["betas"], nlohmann::json({0.9, 0.99}));
  EXPECT_EQ(o["weight_decay"], 0.0);
}

// lr = 0.1, beta1 = 0.9, beta2 = 0.99. Coordinate 0 starts at 1 with gradients 2, -1, -0.05;
// coordinate 1 starts at 0.5 with zero gradients (c = 0, sign(0) = 0: it does not move).
//   t=1: c = 0.9*0      + 0.1*2     =  0.2     > 0: p = 1   - 0.1 = 0.9;  m = 0.01*2 = 0.02
//   t=2: c = 0.9*0.02   + 0.1*(-1)  = -0.082   < 0: p = 0.9 + 0.1 = 1.0;  m = 0.99*0.02 - 0.01 =
//   0.0098 t=3: c = 0.9*0.0098 + 0.1*(-0.05) = 0.00382 > 0: p = 1.0 - 0.1 = 0.9 (momentum outvotes
//   g);
//        m = 0.99*0.0098 - 0.01*0.05 = 0.009702 - 0.0005 = 0.009202
// With weight_decay = 0.5 every step first multiplies p by 1 - 0.1*0.5 = 0.95 (c does not
// depend on p, so the signs are the same):
//   p: 0.95 - 0.1 = 0.85;  0.85*0.95 + 0.1 = 0.9075;  0.9075*0.95 - 0.1 = 0.762125
//   coordinate 1: 0.5*0.95^t = 0.475, 0.45125, 0.4286875
struct HandStep {
  double g, p, p_decayed, m, q_decayed;
};
constexpr HandStep kHand[3] = {{2, 0.9, 0.85, 0.02, 0.475},
                               {-1, 1.0, 0.9075, 0.0098, 0.45125},
                               {-0.05, 0.9, 0.762125, 0.009202, 0.4286875}};

void hand_steps(double weight_decay) {
  Params<double> params;
  params.add("w", {2});
  params.allocate();
  params.values()[0] = 1, params.values()[1] = 0.5;
  Lion<double> opt(params, {.lr = 0.1, .betas = {0.9, 0.99}, .weight_decay = weight_decay});
  for (const auto& h : kHand) {
    params.grads()[0] = h.g, params.grads()[1] = 0;
    opt.step();
    EXPECT_TRUE(close(params.values()[0], weight_decay ? h.p_decayed : h.p, 1e-14));
    EXPECT_TRUE(close(params.values()[1], weight_decay ? h.q_decayed : 0.5, 1e-14));
    EXPECT_TRUE(close(opt.state("exp_avg")[0], h.m, 1e-14));
    EXPECT_EQ(opt.state("exp_avg")[1], 0.0);
  }
}

TEST(Lion, MatchesHandComputedSteps) {
  hand_steps(0);
}
TEST(Lion, MatchesHandComputedStepsWithWeightDecay) {
  hand_steps(0.5);
}

// Without decay every coordinate moves by exactly lr (up to the rounding of p - lr), or not at all
// where c = 0; and the gradient's scale does not matter, only its sign pattern through c.
template <class T>
void sign_update_properties() {
  const std::size_t n = 257;
  const double lr = 1e-3;
  Params<T> a, b;
  for (auto* p : {&a, &b}) {
    p->add("w", {n});
    p->allocate();
    for (std::size_t i = 0; i < n; ++i) p->values()[i] = T(std::cos(0.3 * double(i)));
  }
  Lion<T> opt_a(a, {.lr = lr, .betas = {0.9, 0.99}, .weight_decay = 0});
  Lion<T> opt_b(b, {.lr = lr, .betas = {0.9, 0.99}, .weight_decay = 0});
  for (int t = 1; t <= 20; ++t) {
    const std::vector<T> before(a.values().begin(), a.values().end());
    for (std::size_t i = 0; i < n; ++i) {
      const double g = std::sin(0.7 * t + 1.3 * double(i));
      a.grads()[i] = T(g);
      b.grads()[i] = T(1000 * g);  // same signs, 1000 times larger
    }
    opt_a.step();
    opt_b.step();
    for (std::size_t i = 0; i < n; ++i) {
      const double moved = std::abs(double(a.values()[i]) - double(before[i]));
      const double rounding = std::numeric_limits<T>::epsilon() * std::abs(double(before[i]));
      EXPECT_LE(std::abs(moved - lr), rounding) << "step " << t << " coordinate " << i;
      EXPECT_EQ(a.values()[i], b.values()[i]) << "step " << t << " coordinate " << i;
    }
  }
}

TEST(Lion, EveryCoordinateMovesByLrDouble) {
  sign_update_properties<double>();
}
TEST(Lion, EveryCoordinateMovesByLrFloat) {
  sign_update_properties<float>();
}

}  // namespace
}  // namespace descent::optim
