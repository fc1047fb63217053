// state_dict / load_state_dict of the element-wise optimizers: a resumed optimizer continues bit
// for bit, and a state that does not fit is refused with a CheckpointError that leaves the
// optimizer as it was.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "descent/optim/factory.hpp"
#include "support/golden.hpp"

namespace descent::optim {
namespace {

using descent::test::same_bits;

/// Three tensors in two groups (group 0 is not declared first), p0_i = cos(i).
template <class T>
struct ThreeTensorNet {
  Params<T> params;
  explicit ThreeTensorNet(std::size_t extra = 0) {
    params.add("a", {3, 5}, 1);
    params.add("b", {4 + extra}, 0);
    params.add("c", {2, 2}, 1);
    params.allocate();
    auto p = params.values();
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = T(std::cos(double(i)));
  }
  /// g_i(t) = sin(0.3*t + i) + 0.2*p_i, over the arena.
  void set_gradient(int t) {
    auto p = params.values();
    auto g = params.grads();
    for (std::size_t i = 0; i < p.size(); ++i)
      g[i] = T(std::sin(0.3 * t + double(i)) + 0.2 * double(p[i]));
  }
};

template <class T>
void expect_same_state(const StateDict<T>& a, const StateDict<T>& b) {
  EXPECT_EQ(a.optimizer, b.optimizer);
  EXPECT_EQ(a.groups, b.groups);
  ASSERT_EQ(a.buffers.size(), b.buffers.size());
  for (std::size_t k = 0; k < a.buffers.size(); ++k) {
    EXPECT_EQ(a.buffers[k].first, b.buffers[k].first);
    EXPECT_TRUE(same_bits<T>(a.buffers[k].second, b.buffers[k].second)) << a.buffers[k].first;
  }
}

/// 20 steps (lr of group 1 changed at step 10), save, load into a fresh optimizer (built from the
/// bare name, so the options must come from the state) over a copy of the parameters, 30 more
/// steps on both: the same bits.
template <class T>
void round_trip(const std::string& spec) {
  ThreeTensorNet<T> a;
  auto opt_a = make<T>(a.params, spec);
  for (int t = 1; t <= 20; ++t) {
    if (t == 10) opt_a->set_lr(1, opt_a->lr(1) * 0.5);
    a.set_gradient(t);
    opt_a->step();
  }
  ThreeTensorNet<T> b;
  std::copy(a.params.values().begin(), a.params.values().end(), b.params.values().begin());
  auto opt_b = make<T>(b.params, std::string(opt_a->name()));
  opt_b->load_state_dict(opt_a->state_dict());
  for (std::size_t g = 0; g < 2; ++g) {
    EXPECT_EQ(opt_b->group_options(g), opt_a->group_options(g));
    EXPECT_EQ(opt_b->step_count(g), 20);
  }
  for (int t = 21; t <= 50; ++t) {
    a.set_gradient(t);
    b.set_gradient(t);
    opt_a->step();
    opt_b->step();
  }
  EXPECT_TRUE(same_bits<T>(a.params.values(), b.params.values()));
  expect_same_state(opt_a->state_dict(), opt_b->state_dict());
}

class StateDictRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(StateDictRoundTrip, Double) {
  round_trip<double>(GetParam());
}
TEST_P(StateDictRoundTrip, Float) {
  round_trip<float>(GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, StateDictRoundTrip,
    ::testing::Values(
        R"({"name": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": true, "groups": [{}, {"weight_decay": 0.1}]})",
        R"({"name": "sgd", "lr": 0.05, "momentum": 0.8, "dampening": 0.3, "maximize": true})",
        R"({"name": "momentum", "lr": 0.05, "momentum": 0.8})",
        R"({"name": "adam", "lr": 0.01, "amsgrad": true, "groups": [{"betas": [0.8, 0.99]}, {}]})",
        R"({"name": "adamw", "lr": 0.01, "weight_decay": 0.1, "groups": [{}, {"amsgrad": true}]})",
        R"({"name": "adagrad", "lr": 0.05, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "groups": [{}, {"weight_decay": 0.1, "maximize": true}]})",
        R"({"name": "rmsprop", "momentum": 0.9, "centered": true, "groups": [{}, {"weight_decay": 0.1, "centered": false}]})",
        R"({"name": "adadelta", "rho": 0.8, "groups": [{}, {"weight_decay": 0.1, "maximize": true}]})",
        R"({"name": "adamax", "lr": 0.01, "groups": [{"betas": [0.8, 0.99]}, {"maximize": true}]})",
        R"({"name": "nadam", "lr": 0.01, "momentum_decay": 0.01, "groups": [{}, {"weight_decay": 0.1}]})",
        R"({"name": "radam", "lr": 0.01, "groups": [{}, {"weight_decay": 0.1, "betas": [0.9, 0.9]}]})",
        R"({"name": "lion", "lr": 0.001, "weight_decay": 0.1, "groups": [{"betas": [0.95, 0.98]}, {}]})"),
    [](const auto& info) { return "Case" + std::to_string(info.index); });

/// A trained Adam state over ThreeTensorNet<double>(extra) for the error tests.
StateDict<double> adam_state(std::size_t extra = 0) {
  ThreeTensorNet<double> net(extra);
  auto opt = make<double>(net.params, "adam");
  net.set_gradient(1);
  opt->step();
  return opt->state_dict();
}

/// Loading `state` into a stepped Adam throws a CheckpointError whose what() contains `needle`,
/// and leaves the optimizer's state as it was.
void expect_refused(const StateDict<double>& state, const std::string& needle) {
  ThreeTensorNet<double> net;
  auto opt = make<double>(net.params, R"({"name": "adam", "lr": 0.01})");
  net.set_gradient(1);
  opt->step();
  const StateDict<double> before = opt->state_dict();
  try {
    opt->load_state_dict(state);
    ADD_FAILURE() << "expected a CheckpointError containing '" << needle << "'";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
  expect_same_state(before, opt->state_dict());
}

TEST(LoadStateDict, RefusesAnotherOptimizersState) {
  ThreeTensorNet<double> net;
  auto sgd = make<double>(net.params, R"({"name": "sgd", "momentum": 0.9})");
  try {
    sgd->load_state_dict(adam_state());
    ADD_FAILURE() << "expected a CheckpointError";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("'adam', not 'sgd'"), std::string::npos) << e.what();
  }
}

TEST(LoadStateDict, RefusesOtherGroupCount) {
  StateDict<double> state = adam_state();
  state.groups.erase(1);
  expect_refused(state, "1 parameter groups");
}

TEST(LoadStateDict, RefusesOtherBufferSize) {
  expect_refused(adam_state(/*extra=*/3), "optimizer.exp_avg: state buffer has 26 elements");
}

TEST(LoadStateDict, RefusesOtherSizeInALaterBuffer) {
  StateDict<double> state = adam_state();
  state.buffers[1].second.pop_back();
  expect_refused(state, "optimizer.exp_avg_sq: state buffer has 22 elements");
}

TEST(LoadStateDict, RefusesUnknownBuffer) {
  StateDict<double> state = adam_state();
  state.buffers[1].first = "velocity";
  expect_refused(state, "unexpected state buffer 'velocity'");
}

TEST(LoadStateDict, RefusesMissingBuffer) {
  StateDict<double> state = adam_state();
  state.buffers.pop_back();
  expect_refused(state, "optimizer.exp_avg_sq: state has no buffer 'exp_avg_sq'");
  // max_exp_avg_sq is needed once amsgrad is on in a group.
  state = adam_state();
  state.groups[1]["amsgrad"] = true;
  expect_refused(state, "state has no buffer 'max_exp_avg_sq', which group 1's options use");
}

TEST(LoadStateDict, RefusesADuplicateBuffer) {
  StateDict<double> state = adam_state();
  state.buffers.push_back(state.buffers[0]);
  expect_refused(state, "unexpected state buffer 'exp_avg'");
}

TEST(LoadStateDict, RefusesMissingStepCount) {
  StateDict<double> state = adam_state();
  state.groups[1].erase("step");
  expect_refused(state, "optimizer.groups[1]");
}

TEST(LoadStateDict, RefusesBadOptionValues) {
  StateDict<double> state = adam_state();
  state.groups[0]["lr"] = "fast";
  expect_refused(state, "lr");
  state = adam_state();
  state.groups[1]["eps"] = -1;
  expect_refused(state, "optimizer.groups[1].adam.eps: invalid eps value: -1");
  state = adam_state();
  state.groups[1]["momentum"] = 0.9;
  expect_refused(state, "unknown option 'momentum'");
}

/// NAdam's per-group mu_product (FusedOptimizer's GroupState) is part of the state: saved beside
/// the step count, required on load, and it matters -- resuming with it reset to 1 diverges.
TEST(LoadStateDict, NAdamMuProductIsSavedAndMatters) {
  const std::string spec = R"({"name": "nadam", "lr": 0.01, "momentum_decay": 0.01})";
  ThreeTensorNet<double> a;
  auto opt_a = make<double>(a.params, spec);
  for (int t = 1; t <= 20; ++t) a.set_gradient(t), opt_a->step();
  const StateDict<double> state = opt_a->state_dict();
  const double mu_product = state.groups[0]["mu_product"].get<double>();
  EXPECT_GT(mu_product, 0.0);
  EXPECT_LT(mu_product, std::pow(0.9, 20));  // prod mu_t, mu_t = 0.9*(1 - 0.5*0.96^(0.01 t)) < 0.9
  EXPECT_EQ(state.groups[1]["mu_product"], state.groups[0]["mu_product"]);

  StateDict<double> reset = state;
  for (auto& g : reset.groups) g["mu_product"] = 1.0;
  ThreeTensorNet<double> b;
  std::copy(a.params.values().begin(), a.params.values().end(), b.params.values().begin());
  auto opt_b = make<double>(b.params, "nadam");
  opt_b->load_state_dict(reset);
  for (int t = 21; t <= 30; ++t) {
    a.set_gradient(t), b.set_gradient(t);
    opt_a->step(), opt_b->step();
  }
  EXPECT_FALSE(same_bits<double>(a.params.values(), b.params.values()));

  StateDict<double> missing = state;
  missing.groups[1].erase("mu_product");
  try {
    opt_b->load_state_dict(missing);
    ADD_FAILURE() << "expected a CheckpointError";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("optimizer.groups[1].nadam.mu_product"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace descent::optim
