// FusedOptimizer allocates a state buffer only while some group's options use it: Adam/AdamW's
// max_exp_avg_sq with amsgrad, RMSprop's momentum_buffer with momentum and grad_avg when centered,
// SGD's momentum_buffer with momentum. Turned on later through set_group_options, a buffer is
// allocated there (zeros) and the run equals one whose buffer existed all along; turned on by
// writing group(g) directly, step() refuses with a UsageError and changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "descent/optim/adam.hpp"
#include "descent/optim/factory.hpp"
#include "descent/optim/rmsprop.hpp"

namespace descent::optim {
namespace {

using ::testing::HasSubstr;

/// Two groups of 5 and 3 elements, p0_i = cos(i).
struct TwoGroupNet {
  Params<double> params;
  TwoGroupNet() {
    params.add("a", {5}, 0);
    params.add("b", {3}, 1);
    params.allocate();
    for (std::size_t i = 0; i < params.size(); ++i) params.values()[i] = std::cos(double(i));
  }
  /// g_i(t) = sin(0.3*t + i) + 0.2*p_i.
  void set_gradient(int t) {
    for (std::size_t i = 0; i < params.size(); ++i)
      params.grads()[i] = std::sin(0.3 * t + double(i)) + 0.2 * params.values()[i];
  }
};

std::vector<std::string> buffer_names(const Optimizer<double>& opt) {
  std::vector<std::string> names;
  for (const auto& [name, data] : opt.state_dict().buffers) names.push_back(name);
  return names;
}

using Names = std::vector<std::string>;

TEST(StateAllocation, OnlyTheBuffersTheOptionsUse) {
  const std::vector<std::pair<const char*, Names>> cases = {
      {R"({"name": "adam"})", {"exp_avg", "exp_avg_sq"}},
      {R"({"name": "adamw", "groups": [{}, {"amsgrad": true}]})",
       {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}},
      {R"({"name": "rmsprop"})", {"square_avg"}},
      {R"({"name": "rmsprop", "momentum": 0.9})", {"square_avg", "momentum_buffer"}},
      {R"({"name": "rmsprop", "groups": [{"centered": true}]})", {"square_avg", "grad_avg"}},
      {R"({"name": "sgd"})", {}},
      {R"({"name": "sgd", "groups": [{}, {"momentum": 0.5}]})", {"momentum_buffer"}},
  };
  for (const auto& [spec, names] : cases) {
    TwoGroupNet net;
    auto opt = make<double>(net.params, spec);
    EXPECT_EQ(buffer_names(*opt), names) << spec;
  }
  TwoGroupNet net;
  Adam<double> adam(net.params, {});
  EXPECT_FALSE(adam.has_state(2));
  EXPECT_TRUE(adam.state("max_exp_avg_sq").empty());
}

/// Turning an option on mid-run through set_group_options allocates its buffer; the run is
/// bit-identical to one where the buffer was allocated from the start (another group used it) and
/// held zeros in this group's range until then.
void expect_late_allocation_matches(const std::string& spec, const nlohmann::json& late_option,
                                    const nlohmann::json& group1_from_start) {
  SCOPED_TRACE(spec);
  TwoGroupNet a, b;
  auto late = make<double>(a.params, spec);
  nlohmann::json early_spec = nlohmann::json::parse(spec);
  early_spec["groups"] = {nlohmann::json::object(), group1_from_start};
  auto early = make<double>(b.params, early_spec);
  const std::size_t before = buffer_names(*late).size();
  ASSERT_EQ(buffer_names(*early).size(), before + 1);
  for (int t = 1; t <= 20; ++t) {
    if (t == 8) {
      late->set_group_options(0, late_option);
      EXPECT_EQ(buffer_names(*late).size(), before + 1);
      early->set_group_options(0, late_option);
    }
    if (t == 12) late->set_group_options(1, group1_from_start);
    a.set_gradient(t), b.set_gradient(t);
    late->step(), early->step();
  }
  // Group 0 took the same path in both runs.
  EXPECT_EQ(std::memcmp(a.params.values().data(), b.params.values().data(), 5 * sizeof(double)), 0);
  EXPECT_NE(a.params.values()[5], b.params.values()[5]);  // group 1 got its option later
}

TEST(StateAllocation, SetGroupOptionsAllocatesWhatAnOptionTurnsOn) {
  expect_late_allocation_matches(R"({"name": "adam", "lr": 0.05})", {{"amsgrad", true}},
                                 {{"amsgrad", true}});
  expect_late_allocation_matches(R"({"name": "rmsprop"})", {{"centered", true}},
                                 {{"centered", true}});
  expect_late_allocation_matches(R"({"name": "rmsprop"})", {{"momentum", 0.9}},
                                 {{"momentum", 0.9}});
  expect_late_allocation_matches(R"({"name": "sgd", "lr": 0.1, "dampening": 0.5})",
                                 {{"momentum", 0.9}}, {{"momentum", 0.9}});
}

TEST(StateAllocation, AnOptionTurnedOnThroughGroupIsAUsageErrorInStep) {
  TwoGroupNet net;
  RMSprop<double> opt(net.params, {});
  opt.group(1).centered = true;
  net.set_gradient(1);
  const std::vector<double> before(net.params.values().begin(), net.params.values().end());
  EXPECT_THAT([&] { opt.step(); },
              testing::ThrowsMessage<UsageError>(HasSubstr(
                  "optimizer state 'grad_avg' was not allocated: an option that needs it was "
                  "turned on through group(1)")));
  EXPECT_EQ(std::vector<double>(net.params.values().begin(), net.params.values().end()), before);
  EXPECT_EQ(opt.step_count(0), 0);
}

TEST(StateAllocation, LoadingAStateKeepsExactlyItsBuffers) {
  TwoGroupNet a, b;
  auto plain = make<double>(a.params, R"({"name": "adam"})");
  auto ams = make<double>(b.params, R"({"name": "adam", "amsgrad": true})");
  a.set_gradient(1), plain->step();
  b.set_gradient(1), ams->step();
  ams->load_state_dict(plain->state_dict());
  EXPECT_EQ(buffer_names(*ams), (Names{"exp_avg", "exp_avg_sq"}));
  EXPECT_EQ(ams->group_options(0)["amsgrad"], false);
  // A state holding a buffer no option uses now (amsgrad switched off) keeps it.
  TwoGroupNet c;
  auto off = make<double>(c.params, R"({"name": "adam", "amsgrad": true})");
  c.set_gradient(1), off->step();
  off->set_group_options(0, {{"amsgrad", false}});
  off->set_group_options(1, {{"amsgrad", false}});
  plain->load_state_dict(off->state_dict());
  EXPECT_EQ(buffer_names(*plain), (Names{"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}));
}

}  // namespace
}  // namespace descent::optim
