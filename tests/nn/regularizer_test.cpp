// Regularizers: value by hand, gradient against finite differences, tensor selection, strict specs.
#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/nn/regularizer.hpp"
#include "nn/gradcheck.hpp"

namespace descent::nn {
namespace {

class RegularizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p.add("0.weight", {2, 2});
    p.add("0.bias", {2});
    p.allocate();
    const double w[] = {1, -2, 0.5, -0.25, 3, -3};
    std::copy(std::begin(w), std::end(w), p.values().begin());
  }
  Params<double> p;
};

TEST_F(RegularizerTest, ElasticNetValueAndGradientOnWeightsOnly) {
  auto reg = make_regularizer<double>(p, {{"name", "elastic_net"}, {"l1", 0.1}, {"l2", 0.01}});
  // By hand on the weights (1, -2, 0.5, -0.25): sum|w| = 3.75, sum w^2 = 5.3125.
  EXPECT_DOUBLE_EQ(reg.value(p), 0.1 * 3.75 + 0.01 * 5.3125);
  EXPECT_DOUBLE_EQ(reg.apply(p), 0.1 * 3.75 + 0.01 * 5.3125);
  std::vector<double> g(p.grads().begin(), p.grads().end());
  EXPECT_EQ(g[4], 0.0);  // biases untouched
  EXPECT_EQ(g[5], 0.0);
  auto v = p.values();
  EXPECT_LT(test::worst_relative_error(v.data(), 4, g.data(), [&] { return reg.value(p); }), 1e-8);
  // Gradients accumulate onto what backward left there.
  reg.apply(p);
  EXPECT_DOUBLE_EQ(p.grads()[0], 2 * g[0]);
}

TEST_F(RegularizerTest, L1AndL2Forms) {
  auto l2 = make_regularizer<double>(p, {{"name", "l2"}, {"lambda", 0.5}, {"apply_to", "all"}});
  EXPECT_DOUBLE_EQ(l2.value(p), 0.5 * (5.3125 + 18));
  l2.apply(p);
  EXPECT_DOUBLE_EQ(p.grads()[1], 2 * 0.5 * -2);  // 2 l2 w
  auto l1 = make_regularizer<double>(p, {{"name", "l1"}, {"lambda", 0.5}});
  EXPECT_DOUBLE_EQ(l1.value(p), 0.5 * 3.75);
}

TEST_F(RegularizerTest, SpecsAreStrict) {
  EXPECT_THROW(make_regularizer<double>(p, {{"name", "l3"}}), ConfigError);
  EXPECT_THROW(make_regularizer<double>(p, {{"name", "l2"}, {"l2", 1}}), ConfigError);
  EXPECT_THROW(make_regularizer<double>(p, {{"name", "l2"}, {"lambda", -1}}), ConfigError);
  EXPECT_THROW(make_regularizer<double>(p, {{"name", "l1"}, {"apply_to", "biases"}}), ConfigError);
}

}  // namespace
}  // namespace descent::nn
