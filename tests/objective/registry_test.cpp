// objective::make: names, parameters, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "descent/objective/registry.hpp"

namespace descent::objective {
namespace {

TEST(Registry, ListsTheZooOnceEach) {
  std::set<std::string> names;
  for (const auto& info : registry()) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_FALSE(info.formula.empty());
  }
  EXPECT_EQ(names, (std::set<std::string>{"quadratic", "ill-conditioned", "saddle", "rosenbrock",
                                          "himmelblau", "beale", "booth", "rastrigin", "ackley"}));
}

TEST(Registry, DimensionsFollowTheListingAndParameters) {
  for (const auto& info : registry()) {
    auto f = make(info.name);
    if (info.dimension != "n") {
      EXPECT_EQ(std::to_string(f->dimension()), info.dimension);
    }
    EXPECT_EQ(f->start().size(), f->dimension());
  }
  EXPECT_EQ(make("rastrigin")->dimension(), 2u);
  EXPECT_EQ(make("rastrigin", {{"n", 7}})->dimension(), 7u);
}

TEST(Registry, ParametersChangeTheFunction) {
  std::vector<double> x{1.0, 1.0};
  EXPECT_EQ(make("ill-conditioned")->value(x), 5.5);                 // 0.5*(1 + 10)
  EXPECT_EQ(make("ill-conditioned", {{"k", 100}})->value(x), 50.5);  // 0.5*(1 + 100)
  EXPECT_EQ(make("quadratic", {{"a", 4}})->value(std::vector<double>{0.5}), 1);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no ConfigError";
}

TEST(Registry, UnknownNameSuggestsTheClosest) {
  const std::string m = message_of([] { make("rosenbrok"); });
  EXPECT_NE(m.find("unknown function 'rosenbrok'"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'rosenbrock'"), std::string::npos) << m;
}

TEST(Registry, UnknownParameterNamesTheValidOnes) {
  std::string m = message_of([] { make("ill-conditioned", {{"kappa", 3}}); });
  EXPECT_NE(m.find("ill-conditioned.kappa"), std::string::npos) << m;
  EXPECT_NE(m.find("valid: k"), std::string::npos) << m;
  m = message_of([] { make("rosenbrock", {{"a", 3}}); });
  EXPECT_NE(m.find("takes no parameters"), std::string::npos) << m;
}

TEST(Registry, ParameterValuesOutOfRange) {
  EXPECT_THROW(make("ill-conditioned", {{"k", 0}}), ConfigError);
  EXPECT_THROW(make("ill-conditioned", {{"k", -1}}), ConfigError);
  EXPECT_THROW(make("rastrigin", {{"n", 2.5}}), ConfigError);
  EXPECT_THROW(make("rastrigin", {{"n", 0}}), ConfigError);
  EXPECT_THROW(make("quadratic", {{"a", std::nan("")}}), ConfigError);
}

}  // namespace
}  // namespace descent::objective
