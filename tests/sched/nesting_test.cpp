// Schedulers nested freely: a plateau inside a warmup or a chain, a sequence inside a sequence
// (semantics in sched/composite.hpp), each against the lrs worked out by hand, and their state
// dicts resumed bit-identically.
#include <gtest/gtest.h>

#include <vector>

#include "descent/core/error.hpp"
#include "replay.hpp"

namespace descent::test {
namespace {

const nlohmann::json kTwoGroupSgd = {
    {"name", "sgd"}, {"lr", 0.1}, {"groups", {{{"lr", 0.1}}, {{"lr", 0.2}}}}};
const double kLr0[] = {0.1, 0.2};

/// Steps `s` with metrics[t] when it needs a metric, else without.
void step(sched::Scheduler& s, double metric) {
  if (s.needs_metric())
    s.step(metric);
  else
    s.step();
}

/// Runs `spec` over `metrics` (one step each), checking lr of step t+1 == lr0 * factors[t] in every
/// group; then resumes from the state dict (through JSON text) after every step and checks the
/// resumed run's lrs and states are bit-identical to the uninterrupted one.
void expect_run(const nlohmann::json& spec, const std::vector<double>& metrics,
                const std::vector<double>& factors) {
  ASSERT_EQ(metrics.size() + 1, factors.size());
  Rig rig(kTwoGroupSgd);
  auto s = sched::make(*rig.optimizer, spec);
  std::vector<nlohmann::json> states{s->state_dict()};
  std::vector<std::vector<double>> lrs{s->last_lr()};
  for (std::size_t t = 0; t <= metrics.size(); ++t) {
    for (std::size_t g = 0; g < 2; ++g)
      EXPECT_DOUBLE_EQ(rig.optimizer->lr(g), kLr0[g] * factors[t])
          << "group " << g << " step " << t;
    if (t == metrics.size()) break;
    step(*s, metrics[t]);
    states.push_back(s->state_dict());
    lrs.push_back(s->last_lr());
  }
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    SCOPED_TRACE(fmt::format("resumed after step {}", k));
    Rig fresh(kTwoGroupSgd);
    auto resumed = sched::make(*fresh.optimizer, spec);
    const auto state = nlohmann::json::parse(states[k].dump());
    for (std::size_t g = 0; g < 2; ++g) fresh.optimizer->set_lr(g, lrs[k][g]);
    resumed->load_state_dict(state);
    EXPECT_EQ(resumed->state_dict(), states[k]);
    for (std::size_t t = k; t < metrics.size(); ++t) {
      step(*resumed, metrics[t]);
      ASSERT_EQ(resumed->last_lr(), lrs[t + 1]) << "step " << t + 1;
      ASSERT_EQ(resumed->state_dict(), states[t + 1]) << "step " << t + 1;
    }
  }
}

TEST(SchedNesting, PlateauInsideWarmupStartsCountingAtItsMilestone) {
  const nlohmann::json spec = {{"name", "warmup"},
                               {"warmup_steps", 3},
                               {"then", {{"name", "plateau"}, {"factor", 0.5}, {"patience", 1}}}};
  Rig rig(kTwoGroupSgd);
  auto s = sched::make(*rig.optimizer, spec);
  EXPECT_TRUE(s->needs_metric());
  EXPECT_THROW(s->step(), UsageError);
  // steps 1, 2 warm up (metrics ignored); at step 3 the plateau restarts from lr0 (the metric of
  // the last warmup epoch, 0.001, not counted: had it been, 1.0 would be a bad epoch at once);
  // then 1.0 is its best, and after more than patience = 1 epochs without improvement lr * 0.5
  expect_run(spec, {0.001, 0.001, 0.001, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5},
             {0, 1. / 3, 2. / 3, 1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.25});
}

TEST(SchedNesting, SequenceInsideASequence) {
  // child 0 is a sequence: constant (factor 0.25) until its milestone 2, then exponential from lr0;
  // the outer milestone 4 restarts step decay from lr0
  expect_run({{"name", "sequential"},
              {"milestones", {4}},
              {"schedulers",
               {{{"name", "sequential"},
                 {"milestones", {2}},
                 {"schedulers",
                  {{{"name", "constant"}, {"factor", 0.25}, {"total_iters", 100}},
                   {{"name", "exponential"}, {"gamma", 0.5}}}}},
                {{"name", "step"}, {"step_size", 2}, {"gamma", 0.5}}}}},
             std::vector<double>(7, 0), {0.25, 0.25, 1, 0.5, 1, 1, 0.5, 0.5});
  // the inner sequence second: restarted at the outer milestone 2 from lr0, at its own step 0
  expect_run({{"name", "sequential"},
              {"milestones", {2}},
              {"schedulers",
               {{{"name", "exponential"}, {"gamma", 0.5}},
                {{"name", "sequential"},
                 {"milestones", {1}},
                 {"schedulers",
                  {{{"name", "constant"}, {"factor", 0.25}, {"total_iters", 100}},
                   {{"name", "exponential"}, {"gamma", 0.5}}}}}}}},
             std::vector<double>(5, 0), {1, 0.5, 0.25, 1, 0.5, 0.25});
}

TEST(SchedNesting, PlateauInsideAChainComposesWithTheOthers) {
  // every step: exponential lr * 0.5, then the plateau (patience 0) halves it again when stalled
  expect_run({{"name", "chained"},
              {"schedulers",
               {{{"name", "exponential"}, {"gamma", 0.5}},
                {{"name", "plateau"}, {"factor", 0.5}, {"patience", 0}}}}},
             {1.0, 1.0, 0.5, 0.5}, {1, 0.5, 0.125, 0.0625, 0.015625});
}

TEST(SchedNesting, WarmupThenSequenceWithAPlateau) {
  // warmup over 2 steps, then a sequence: constant 0.5 for 2 steps, then a plateau from lr0
  expect_run({{"name", "warmup"},
              {"warmup_steps", 2},
              {"then",
               {{"name", "sequential"},
                {"milestones", {2}},
                {"schedulers",
                 {{{"name", "constant"}, {"factor", 0.5}, {"total_iters", 100}},
                  {{"name", "plateau"}, {"factor", 0.5}, {"patience", 0}}}}}}},
             {0, 0, 0, 0, 3, 3, 3}, {0, 0.5, 0.5, 0.5, 1, 1, 0.5, 0.25});
}

}  // namespace
}  // namespace descent::test
