// Formula factors of lambda / multiplicative schedules compiled by ScalarFormula, against the
// sequences computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "descent/core/error.hpp"
#include "descent/core/params.hpp"
#include "descent/objective/formula.hpp"
#include "descent/objective/schedule_factor.hpp"
#include "descent/optim/factory.hpp"
#include "descent/sched/factory.hpp"
#include "support/golden.hpp"

namespace descent::test {
namespace {

struct OneParam {
  OneParam() {
    params.add("w", {1});
    params.allocate();
    optimizer = optim::make<double>(params, R"({"name": "sgd", "lr": 0.1})");
  }
  Params<double> params;
  std::unique_ptr<optim::Optimizer<double>> optimizer;
};

class ScheduleFactor : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!objective::formulas_available())
      GTEST_SKIP() << "built without GiNaC (libginac-dev): no formula factors";
    objective::install_schedule_factors();
  }
};

TEST_F(ScheduleFactor, LambdaFollowsItsFormula) {
  OneParam p;
  auto s = sched::make(*p.optimizer, R"({"name": "lambda", "factor": "0.95^epoch"})");
  for (int t = 0; t < 50; ++t, s->step())  // lr_t = 0.1 * 0.95^t
    EXPECT_TRUE(close(p.optimizer->lr(0), 0.1 * std::pow(0.95, t), 1e-15)) << t;
  OneParam q;
  s = sched::make(*q.optimizer, R"j({"name": "lambda", "factor": "min(1, (step+1)/10)"})j");
  for (int t = 0; t < 20; ++t, s->step())  // linear warmup over 10 steps
    EXPECT_TRUE(close(q.optimizer->lr(0), 0.1 * std::min(1.0, (t + 1) / 10.0), 1e-15)) << t;
}

TEST_F(ScheduleFactor, MultiplicativeFollowsItsFormula) {
  OneParam p;
  auto s = sched::make(*p.optimizer, R"({"name": "multiplicative", "factor": "1 - 0.01*epoch"})");
  double lr = 0.1;  // lr_t = lr_{t-1} * (1 - 0.01 t)
  for (int t = 0; t < 50; ++t, s->step()) {
    if (t > 0) lr *= 1 - 0.01 * t;
    EXPECT_TRUE(close(p.optimizer->lr(0), lr, 1e-14)) << t;
  }
}

TEST_F(ScheduleFactor, BadFormulaIsAConfigErrorAtTheKey) {
  OneParam p;
  try {
    sched::make(*p.optimizer, R"({"name": "warmup", "warmup_steps": 2,
                                  "then": {"name": "lambda", "factor": "0.95^epoh"}})");
    FAIL() << "accepted an unknown name";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), "warmup.then.factor");
  }
}

}  // namespace
}  // namespace descent::test
