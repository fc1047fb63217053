// sched::make's strict validation, and the usage errors of the scheduler interfaces.
#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/sched/composite.hpp"
#include "descent/sched/decay.hpp"
#include "descent/sched/plateau.hpp"
#include "replay.hpp"

namespace descent::test {
namespace {

const nlohmann::json kMomentumSgd = {
    {"name", "sgd"}, {"lr", 0.1}, {"momentum", 0.9}, {"groups", {{{"lr", 0.1}}, {{"lr", 0.2}}}}};
const nlohmann::json kAdam = {{"name", "adam"}, {"groups", {{{"lr", 0.1}}}}};

/// The ConfigError sched::make throws for `spec`, or a failure if it throws none.
ConfigError config_error(const std::string& spec, const nlohmann::json& optimizer = kMomentumSgd) {
  Rig rig(optimizer);
  try {
    sched::make(*rig.optimizer, spec);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no ConfigError for " << spec;
  return ConfigError("");
}

TEST(SchedFactory, UnknownNameSuggestsTheClosest) {
  auto e = config_error(R"({"name": "cosin", "T_max": 10})");
  EXPECT_EQ(e.where(), "scheduler.name");
  EXPECT_NE(e.hint().find("did you mean 'cosine'"), std::string::npos) << e.hint();
}

TEST(SchedFactory, UnknownKeyNamesItAndTheValidKeys) {
  auto e = config_error(R"({"name": "cosine", "T_max": 10, "eta_mn": 0.1})");
  EXPECT_EQ(e.where(), "cosine.eta_mn");
  EXPECT_NE(e.hint().find("did you mean 'eta_min'"), std::string::npos) << e.hint();
  EXPECT_NE(e.hint().find("T_max, eta_min"), std::string::npos) << e.hint();
}

TEST(SchedFactory, WrongTypesAndMissingKeys) {
  EXPECT_EQ(config_error(R"({"name": "cosine", "T_max": 10.5})").where(), "cosine.T_max");
  EXPECT_EQ(config_error(R"({"name": "cosine", "T_max": "10"})").where(), "cosine.T_max");
  EXPECT_EQ(config_error(R"({"name": "cosine"})").where(), "cosine.T_max");
  EXPECT_EQ(config_error(R"({"name": "cyclic", "base_lr": [0.1, "x"], "max_lr": 1})").where(),
            "cyclic.base_lr");
  EXPECT_EQ(config_error(R"({"name": "onecycle", "max_lr": 1, "three_phase": 1, "total_steps": 9})")
                .where(),
            "onecycle.three_phase");
  EXPECT_EQ(config_error(R"({"name": "onecycle", "max_lr": 1, "epochs": 3})").where(),
            "onecycle.total_steps");
  EXPECT_EQ(config_error(R"([1, 2])").where(),
            "scheduler.name");  // text that is no object is a name
  EXPECT_EQ(config_error(R"({"name": "step", "step_size": 3)").where(),
            "scheduler");  // malformed JSON
}

TEST(SchedFactory, OutOfRangeValues) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"name": "cosine", "T_max": 0})", "cosine.T_max"},
      {R"({"name": "onecycle", "max_lr": 1, "total_steps": 0})", "onecycle.total_steps"},
      {R"({"name": "onecycle", "max_lr": 1, "epochs": 2, "steps_per_epoch": 0})",
       "onecycle.steps_per_epoch"},
      {R"({"name": "onecycle", "max_lr": 1, "total_steps": 9, "pct_start": 1.5})",
       "onecycle.pct_start"},
      {R"({"name": "onecycle", "max_lr": 1, "total_steps": 9, "anneal_strategy": "cosine"})",
       "onecycle.anneal_strategy"},
      {R"({"name": "onecycle", "max_lr": [1, 2, 3], "total_steps": 9})", "onecycle.max_lr"},
      {R"({"name": "step", "step_size": 0})", "step.step_size"},
      {R"({"name": "multistep", "milestones": [5, 3]})", "multistep.milestones"},
      {R"({"name": "constant", "factor": 0})", "constant.factor"},
      {R"({"name": "linear", "start_factor": 0})", "linear.start_factor"},
      {R"({"name": "linear", "total_iters": 0})", "linear.total_iters"},
      {R"({"name": "polynomial", "total_iters": 0})", "polynomial.total_iters"},
      {R"({"name": "cosine_warm_restarts", "T_0": 0})", "cosine_warm_restarts.T_0"},
      {R"({"name": "cosine_warm_restarts", "T_0": 2, "T_mult": 0})", "cosine_warm_restarts.T_mult"},
      {R"({"name": "cyclic", "base_lr": 0.1, "max_lr": 1, "step_size_up": 0})",
       "cyclic.step_size_up"},
      {R"({"name": "cyclic", "base_lr": 0.1, "max_lr": 1, "mode": "triangle"})", "cyclic.mode"},
      {R"({"name": "plateau", "factor": 1.0})", "plateau.factor"},
      {R"({"name": "plateau", "mode": "lowest"})", "plateau.mode"},
      {R"({"name": "plateau", "threshold_mode": "relative"})", "plateau.threshold_mode"},
      {R"({"name": "plateau", "min_lr": [0, 0, 0]})", "plateau.min_lr"},
      {R"({"name": "exponential_decay", "decay_rate": 0.5, "decay_steps": 0})",
       "exponential_decay.decay_steps"},
      {R"({"name": "natural_exp_decay", "k": -1})", "natural_exp_decay.k"},
      {R"({"name": "inverse_sqrt", "warmup_steps": 0})", "inverse_sqrt.warmup_steps"},
      {R"({"name": "warmup", "warmup_steps": 0})", "warmup.warmup_steps"},
  };
  for (const auto& [spec, where] : cases) EXPECT_EQ(config_error(spec).where(), where) << spec;
}

TEST(SchedFactory, CompositeErrorsNameTheChild) {
  EXPECT_EQ(config_error(R"({"name": "sequential", "milestones": [5], "schedulers": [
                {"name": "constant"}, {"name": "cosine", "T_max": -1}]})")
                .where(),
            "sequential.schedulers[1].T_max");
  EXPECT_EQ(config_error(R"({"name": "chained", "schedulers": [{"name": "step"}]})").where(),
            "chained.schedulers[0].step_size");
  EXPECT_EQ(config_error(R"({"name": "sequential", "milestones": [5, 9], "schedulers": [
                {"name": "constant"}, {"name": "exponential", "gamma": 0.9}]})")
                .where(),
            "sequential.milestones");
  EXPECT_EQ(config_error(R"({"name": "sequential", "milestones": [5], "schedulers": [
                {"name": "constant"}, {"name": "sequential", "milestones": [1],
                 "schedulers": [{"name": "constant"}, {"name": "plateau", "factor": 2}]}]})")
                .where(),
            "sequential.schedulers[1].schedulers[1].factor");
  EXPECT_EQ(
      config_error(R"({"name": "warmup", "warmup_steps": 5, "then": {"name": "cosine"}})").where(),
      "warmup.then.T_max");
}

TEST(SchedFactory, MomentumCyclingNeedsAMomentumOption) {
  // torch 1.13's CyclicLR cycles only "momentum"; OneCycleLR also Adam's beta1
  EXPECT_EQ(config_error(R"({"name": "cyclic", "base_lr": 0.1, "max_lr": 1})", kAdam).where(),
            "cyclic.cycle_momentum");
  Rig rig(kAdam);
  auto s = sched::make(*rig.optimizer, R"({"name": "onecycle", "max_lr": 1, "total_steps": 10})");
  EXPECT_EQ(s->cycled_momentum(), sched::MomentumField::beta1);
  EXPECT_EQ(rig.optimizer->group_options(0)["betas"][0], 0.95);
}

TEST(SchedFactory, BareNameAndJsonText) {
  Rig rig(kMomentumSgd);
  EXPECT_EQ(sched::make(*rig.optimizer, "plateau")->name(), "plateau");
  EXPECT_EQ(sched::make(*rig.optimizer, R"({"name": "step", "step_size": 2})")->name(), "step");
  const auto& names = sched::registry();
  EXPECT_EQ(names.size(), 20u);
}

TEST(SchedUsage, OneCycleStoppedPastTotalSteps) {
  Rig rig(kMomentumSgd);
  auto s = sched::make(*rig.optimizer, R"({"name": "onecycle", "max_lr": 1, "total_steps": 5})");
  for (int t = 0; t < 5; ++t) s->step();  // last_epoch 5 = total_steps: allowed, as in torch
  try {
    s->step();
    FAIL() << "stepped past total_steps";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), "onecycle.total_steps");
  }
}

TEST(SchedUsage, MetricAndStepAreNotInterchangeable) {
  Rig rig(kMomentumSgd);
  auto plateau = sched::make(*rig.optimizer, "plateau");
  EXPECT_TRUE(plateau->needs_metric());
  EXPECT_THROW(plateau->step(), UsageError);
  auto cosine = sched::make(*rig.optimizer, R"({"name": "cosine", "T_max": 3})");
  EXPECT_FALSE(cosine->needs_metric());
  EXPECT_THROW(cosine->step(0.5), UsageError);
  // a composite needs a metric when a child does (nesting: nesting_test.cpp)
  auto warm = sched::make(*rig.optimizer, R"({"name": "warmup", "warmup_steps": 2,
                                              "then": {"name": "plateau"}})");
  EXPECT_TRUE(warm->needs_metric());
  EXPECT_THROW(warm->step(), UsageError);
  auto chain = sched::make(*rig.optimizer, R"({"name": "chained", "schedulers": [
                                                 {"name": "constant"}, {"name": "plateau"}]})");
  EXPECT_TRUE(chain->needs_metric());
  auto plain = sched::make(*rig.optimizer, R"({"name": "chained", "schedulers": [
                                                 {"name": "constant"}]})");
  EXPECT_FALSE(plain->needs_metric());
  EXPECT_THROW(plain->step(0.5), UsageError);
}

TEST(SchedUsage, CompositeChildrenMustShareParamGroups) {
  Rig rig(kMomentumSgd);
  std::vector<std::unique_ptr<sched::LRScheduler>> children;
  children.push_back(
      std::make_unique<sched::StepLR>(sched::ParamGroups(*rig.optimizer), sched::StepLROptions{}));
  children.push_back(
      std::make_unique<sched::StepLR>(sched::ParamGroups(*rig.optimizer), sched::StepLROptions{}));
  sched::ParamGroups groups(*rig.optimizer);
  EXPECT_THROW(sched::SequentialLR(groups, std::move(children), {3}), UsageError);
}

TEST(SchedState, MismatchedStateIsACheckpointError) {
  Rig rig(kMomentumSgd);
  auto cosine = sched::make(*rig.optimizer, R"({"name": "cosine", "T_max": 3})");
  auto step = sched::make(*rig.optimizer, R"({"name": "step", "step_size": 3})");
  EXPECT_THROW(cosine->load_state_dict(step->state_dict()), CheckpointError);
  auto state = cosine->state_dict();
  state["base_lrs"] = {0.1};  // one group, the optimizer has two
  try {
    cosine->load_state_dict(state);
    FAIL() << "loaded a state of the wrong number of groups";
  } catch (const CheckpointError& e) {
    EXPECT_EQ(e.where(), "scheduler.base_lrs");
  }
  state.erase("last_epoch");
  EXPECT_THROW(cosine->load_state_dict(state), CheckpointError);
}

TEST(SchedState, PlateauStateRoundTripsBeforeAnyImprovement) {
  Rig rig(kMomentumSgd);
  sched::ParamGroups groups(*rig.optimizer);
  sched::ReduceLROnPlateau a(groups, {.patience = 1});
  sched::ReduceLROnPlateau b(groups, {.patience = 1});
  b.load_state_dict(nlohmann::json::parse(a.state_dict().dump()));  // best = +inf has no JSON form
  EXPECT_TRUE(std::isinf(b.best()));
  a.step(1.0);
  b.load_state_dict(nlohmann::json::parse(a.state_dict().dump()));
  EXPECT_EQ(b.best(), 1.0);
}

}  // namespace
}  // namespace descent::test
