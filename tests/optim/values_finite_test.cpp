// FusedOptimizer::step checks the values it stores for NaN and infinities (values_finite()), and
// the training loop's non-finite guard trusts that instead of a pass over the arena: the answer
// must agree with Params::first_nonfinite_value() wherever the bad value lands (either side of the
// step's chunks and of its threads' ranges), also when finite gradients overflow the values.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "descent/core/parallel.hpp"
#include "descent/optim/factory.hpp"

namespace descent::optim {
namespace {

constexpr std::size_t kWeights = 300000, kBiases = 7;

void reset(Params<float>& p) {
  std::fill(p.values().begin(), p.values().end(), 1.0f);
  std::fill(p.grads().begin(), p.grads().end(), 0.5f);
}

TEST(ValuesFinite, AgreesWithAScanOfTheArena) {
  const int saved = num_threads();
  for (int threads : {1, 2})
    for (const char* spec :
         {R"({"name": "sgd", "lr": 0.1, "momentum": 0.9})", R"({"name": "adam", "lr": 0.1})"}) {
      set_num_threads(threads);
      Params<float> p;
      p.add("w", {kWeights});
      p.add("b", {kBiases});
      p.allocate();
      auto opt = make<float>(p, nlohmann::json::parse(spec));
      reset(p);
      opt->step();
      EXPECT_EQ(opt->values_finite(), true) << spec;
      EXPECT_FALSE(p.first_nonfinite_value());
      for (std::size_t at : {std::size_t{0}, std::size_t{8191}, std::size_t{8192}, kWeights / 2 + 3,
                             kWeights - 1, kWeights + kBiases - 1}) {
        reset(p);
        p.grads()[at] = std::numeric_limits<float>::infinity();
        opt->step();
        EXPECT_EQ(opt->values_finite(), false) << spec << " threads " << threads << " at " << at;
        EXPECT_TRUE(p.first_nonfinite_value()) << at;
        reset(p);
        opt = make<float>(p, nlohmann::json::parse(spec));  // no inf left in the state
        opt->step();
        EXPECT_EQ(opt->values_finite(), true) << spec << " threads " << threads << " at " << at;
      }
    }
  set_num_threads(saved);
}

TEST(ValuesFinite, FiniteGradientsThatOverflowTheValues) {
  Params<float> p;
  p.add("w", {100});
  p.allocate();
  std::fill(p.values().begin(), p.values().end(), 3e38f);
  std::fill(p.grads().begin(), p.grads().end(), -3e38f);
  auto opt = make<float>(p, nlohmann::json::parse(R"({"name": "sgd", "lr": 1})"));
  opt->step();  // 3e38 + 3e38 overflows to inf
  EXPECT_EQ(opt->values_finite(), false);
  EXPECT_TRUE(p.first_nonfinite_value());
}

TEST(ValuesFinite, UnknownWhereTheOptimizerDoesNotCheck) {
  Params<float> p;
  p.add("w", {4});
  p.allocate();
  EXPECT_EQ(make<float>(p, nlohmann::json::parse(R"({"name": "lbfgs"})"))->values_finite(),
            std::nullopt);
}

}  // namespace
}  // namespace descent::optim
