// Initialization: statistics of a large layer against the schemes' formulas, and seed determinism.
#include <gtest/gtest.h>

#include <cmath>

#include "descent/core/error.hpp"
#include "descent/nn/init.hpp"

namespace descent::nn {
namespace {

struct Stats {
  double mean, var, max_abs;
};

Stats stats(Linear<double>& fc) {
  auto w = fc.weight();
  double mean = w.mean();
  double var = (w.array() - mean).square().mean();
  return {mean, var, w.cwiseAbs().maxCoeff()};
}

class InitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fc.declare(p, "", {});
    p.allocate();
    fc.bind(p);
  }
  static constexpr std::size_t kIn = 400, kOut = 300;  // 120k weights: sample std error ~0.4%
  Params<double> p;
  Linear<double> fc{kIn, kOut};
};

TEST_F(InitTest, VarianceMatchesEachScheme) {
  const double gain = std::sqrt(2.0);
  // Expected variances: U(-a, a) has a^2/3; the normals have s^2.
  const double fan_sum = double(kIn + kOut);
  struct Case {
    InitScheme scheme;
    double var, bound;  // bound: support of the uniform schemes (0 = unbounded)
  } cases[] = {
      {InitScheme::TorchDefault, 1.0 / (3 * kIn), 1 / std::sqrt(double(kIn))},
      {InitScheme::XavierUniform, gain * gain * 2 / fan_sum, gain * std::sqrt(6 / fan_sum)},
      {InitScheme::XavierNormal, gain * gain * 2 / fan_sum, 0},
      {InitScheme::KaimingUniform, gain * gain / kIn, gain * std::sqrt(3.0 / kIn)},
      {InitScheme::KaimingNormal, gain * gain / kIn, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.scheme));
    Rng rng(5);
    initialize(fc, c.scheme, gain, rng);
    Stats s = stats(fc);
    EXPECT_NEAR(s.mean, 0, 4 * std::sqrt(c.var / (kIn * kOut)));
    EXPECT_NEAR(s.var / c.var, 1, 0.02);
    if (c.bound > 0) {
      EXPECT_LE(s.max_abs, c.bound);
      EXPECT_GT(s.max_abs, 0.99 * c.bound);
    }
    auto b = fc.bias();
    if (c.scheme == InitScheme::TorchDefault) {
      EXPECT_LE(b.cwiseAbs().maxCoeff(), 1 / std::sqrt(double(kIn)));
      EXPECT_GT(b.cwiseAbs().maxCoeff(), 0);
    } else {
      EXPECT_EQ(b.cwiseAbs().maxCoeff(), 0);
    }
  }
  Rng rng(5);
  initialize(fc, InitScheme::Zeros, gain, rng);
  EXPECT_EQ(fc.weight().cwiseAbs().maxCoeff(), 0);
}

TEST_F(InitTest, SameSeedSameBitsOtherSeedOtherBits) {
  Rng a(17);
  initialize(fc, InitScheme::KaimingNormal, 1, a);
  std::vector<double> first(p.values().begin(), p.values().end());
  Rng b(17);
  initialize(fc, InitScheme::KaimingNormal, 1, b);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), p.values().begin()));
  Rng c(18);
  initialize(fc, InitScheme::KaimingNormal, 1, c);
  EXPECT_FALSE(std::equal(first.begin(), first.end(), p.values().begin()));
}

TEST(Init, GainsAndNames) {
  EXPECT_DOUBLE_EQ(calculate_gain("relu"), std::sqrt(2.0));  // torch.nn.init.calculate_gain
  EXPECT_DOUBLE_EQ(calculate_gain("tanh"), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(calculate_gain("leaky_relu", 0.2), std::sqrt(2.0 / 1.04));
  EXPECT_EQ(parse_init_scheme("he_normal"), InitScheme::KaimingNormal);
  EXPECT_EQ(parse_init_scheme("glorot_uniform"), InitScheme::XavierUniform);
  try {
    parse_init_scheme("xavier_unifrom");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'xavier_uniform'"), std::string::npos);
  }
}

}  // namespace
}  // namespace descent::nn
