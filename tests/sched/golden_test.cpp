// Every scheduler against torch.optim.lr_scheduler (tests/golden/schedules.json, from
// tools/golden/schedules.py): lrs and cycled momenta of two groups, 1e-12 relative, and the same
// after a state_dict round trip in the middle of the run.
#include <gtest/gtest.h>

#include "descent/sched/cosine.hpp"
#include "replay.hpp"

namespace descent::test {

void advance(const nlohmann::json& c, std::size_t t, optim::Optimizer<double>& optimizer,
             sched::ParamGroups& groups, sched::Scheduler& scheduler) {
  optimizer.step();
  if (c.contains("set_lr") && c["set_lr"]["at"] == t)
    for (std::size_t g = 0; g < groups.size(); ++g)
      groups.set_lr(g, c["set_lr"]["lr"][g].get<double>());
  if (c.contains("metrics"))
    scheduler.step(c["metrics"][t].get<double>());
  else if (c.contains("epochs"))
    dynamic_cast<sched::CosineAnnealingWarmRestarts&>(scheduler).step_to(
        c["epochs"][t].get<double>());
  else
    scheduler.step();
}

namespace {

const nlohmann::json& cases() {
  static const nlohmann::json all = load_golden("schedules.json")["cases"];
  return all;
}

TEST(SchedulesGolden, CoversEveryScheduler) {
  std::set<std::string> seen;
  std::function<void(const nlohmann::json&)> visit = [&](const nlohmann::json& spec) {
    seen.insert(spec["name"].get<std::string>());
    if (spec.contains("schedulers"))
      for (const auto& s : spec["schedulers"]) visit(s);
    if (spec.contains("then")) visit(spec["then"]);
  };
  for (const auto& c : cases()) {
    EXPECT_GE(c["steps"].get<int>(), 200) << c["name"];
    visit(c["scheduler"]);
  }
  // lambda / multiplicative take a formula factor here and a Python callable in torch: they are
  // checked against hand-computed sequences (factor_formula_test, objective/schedule_factor_test)
  for (const auto& info : sched::registry()) {
    if (info.name == "lambda" || info.name == "multiplicative") continue;
    EXPECT_TRUE(seen.count(info.name)) << info.name;
  }
}

TEST(SchedulesGolden, MatchTorch) {
  ASSERT_GT(cases().size(), 40u);
  for (const auto& c : cases()) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Rig rig(c["optimizer"]);
    sched::ParamGroups groups(*rig.optimizer);
    auto scheduler = sched::make(groups, c["scheduler"]);
    const std::size_t steps = c["steps"].get<std::size_t>();
    for (std::size_t t = 0; t < steps; ++t) {
      expect_row(c, t, groups);
      if (HasFatalFailure()) return;
      EXPECT_EQ(scheduler->last_lr(), groups.lrs());
      advance(c, t, *rig.optimizer, groups, *scheduler);
    }
  }
}

TEST(SchedulesGolden, ResumeFromStateDict) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const std::size_t steps = c["steps"].get<std::size_t>(), half = steps / 2 + 7;
    Rig first(c["optimizer"]);
    sched::ParamGroups groups(*first.optimizer);
    auto scheduler = sched::make(groups, c["scheduler"]);
    for (std::size_t t = 0; t < half; ++t) advance(c, t, *first.optimizer, groups, *scheduler);
    // through JSON text, as a checkpoint stores it
    const auto state = nlohmann::json::parse(scheduler->state_dict().dump());
    const auto opt_state = first.optimizer->state_dict();

    Rig second(c["optimizer"]);
    sched::ParamGroups resumed_groups(*second.optimizer);
    auto resumed = sched::make(resumed_groups, c["scheduler"]);
    second.optimizer->load_state_dict(opt_state);
    resumed->load_state_dict(state);
    EXPECT_EQ(resumed->state_dict(), state);
    for (std::size_t t = half; t < steps; ++t) {
      expect_row(c, t, resumed_groups);
      if (HasFatalFailure()) return;
      advance(c, t, *second.optimizer, resumed_groups, *resumed);
    }
  }
}

TEST(SchedulesGolden, FloatOptimizerGetsTheSameLrs) {
  const auto& c = cases()[0];
  Params<float> params;
  for (std::size_t g = 0; g < c["optimizer"]["groups"].size(); ++g)
    params.add(fmt::format("w{}", g), {1}, g);
  params.allocate();
  auto optimizer = optim::make<float>(params, c["optimizer"]);
  auto scheduler = sched::make(*optimizer, c["scheduler"]);
  for (std::size_t t = 0; t < c["steps"].get<std::size_t>(); ++t) {
    for (std::size_t g = 0; g < params.num_groups(); ++g)
      ASSERT_TRUE(close(optimizer->lr(g), c["lr"][t][g].get<double>(), 1e-12)) << "step " << t;
    optimizer->step();
    scheduler->step();
  }
}

}  // namespace
}  // namespace descent::test
