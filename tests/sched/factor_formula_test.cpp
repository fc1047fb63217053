// lambda and multiplicative in sched::make, with a factor compiler injected as a higher layer does
// (objective::install_schedule_factors; its ScalarFormula is tested in tests/objective).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "descent/core/error.hpp"
#include "descent/sched/factor_formula.hpp"
#include "replay.hpp"

namespace descent::test {
namespace {

const nlohmann::json kSgd = {{"name", "sgd"}, {"lr", 0.1}, {"groups", {{{"lr", 0.1}}}}};

/// A compiler that knows two formulas, recording the variable it was asked for.
std::string asked_variable;
sched::Factor toy(const std::string& text, const std::string& variable, const std::string& where) {
  asked_variable = variable;
  if (text == "0.5^epoch") return [](std::int64_t t) { return std::pow(0.5, double(t)); };
  if (text == "1/(1+step)") return [](std::int64_t t) { return 1 / (1 + double(t)); };
  throw ConfigError("unknown formula", where);
}

class SchedFactorFormula : public ::testing::Test {
 protected:
  void SetUp() override { sched::set_factor_compiler(toy); }
  void TearDown() override { sched::set_factor_compiler({}); }
};

TEST_F(SchedFactorFormula, LambdaIsLr0TimesTheFactor) {
  Rig rig(kSgd);
  auto s = sched::make(*rig.optimizer, R"({"name": "lambda", "factor": "0.5^epoch"})");
  EXPECT_EQ(asked_variable, "epoch");
  for (int t = 0; t < 6; ++t, s->step()) EXPECT_EQ(rig.optimizer->lr(0), 0.1 * std::pow(0.5, t));
  Rig fresh(kSgd);
  s = sched::make(*fresh.optimizer, R"j({"name": "lambda", "factor": "1/(1+step)"})j");
  EXPECT_EQ(asked_variable, "step");
  for (int t = 0; t < 6; ++t, s->step())
    EXPECT_EQ(fresh.optimizer->lr(0), 0.1 * (1 / (1 + double(t))));  // lr0 * f(t)
}

TEST_F(SchedFactorFormula, MultiplicativeMultipliesFromStepOne) {
  Rig rig(kSgd);
  auto s = sched::make(*rig.optimizer, R"j({"name": "multiplicative", "factor": "1/(1+step)"})j");
  double lr = 0.1;  // lr_t = lr_{t-1} / (1 + t): 0.1, 0.05, 0.05/3, ...
  for (int t = 0; t < 6; ++t, s->step()) {
    if (t > 0) lr *= 1 / (1 + double(t));
    EXPECT_EQ(rig.optimizer->lr(0), lr) << t;
  }
}

TEST_F(SchedFactorFormula, ErrorsNameTheKey) {
  Rig rig(kSgd);
  try {
    sched::make(*rig.optimizer, R"({"name": "sequential", "milestones": [2], "schedulers": [
        {"name": "constant"}, {"name": "lambda", "factor": "oops"}]})");
    FAIL() << "accepted an unknown formula";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), "sequential.schedulers[1].factor");
  }
  try {
    sched::make(*rig.optimizer, R"({"name": "lambda"})");
    FAIL() << "accepted a lambda without factor";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), "lambda.factor");
  }
  sched::set_factor_compiler({});
  try {
    sched::make(*rig.optimizer, R"({"name": "lambda", "factor": "0.5^epoch"})");
    FAIL() << "compiled a formula with no compiler installed";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), "lambda.factor");
    EXPECT_NE(e.hint().find("install_schedule_factors"), std::string::npos);
  }
}

}  // namespace
}  // namespace descent::test
