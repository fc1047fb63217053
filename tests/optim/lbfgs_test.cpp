#include "descent/optim/lbfgs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "descent/optim/factory.hpp"
#include "support/golden.hpp"

namespace descent::optim {
namespace {

using ::testing::HasSubstr;
using Function = std::function<double(std::span<const double>, std::span<double>)>;

// The functions of tools/golden/lbfgs.py, with its operation order (so the gradients match bits).
double rosenbrock(std::span<const double> v, std::span<double> g) {
  double f = 0;
  std::fill(g.begin(), g.end(), 0.0);
  for (std::size_t i = 0; i + 1 < v.size(); ++i) {
    const double r = 1.0 - v[i];
    const double s = v[i + 1] - v[i] * v[i];
    f = f + (r * r + 100.0 * (s * s));
    g[i] = g[i] + (-2.0 * r - 400.0 * v[i] * s);
    g[i + 1] = g[i + 1] + 200.0 * s;
  }
  return f;
}

Function quadratic(double k) {
  return [k](std::span<const double> v, std::span<double> g) {
    g[0] = v[0], g[1] = k * v[1];
    return 0.5 * (v[0] * v[0] + k * (v[1] * v[1]));
  };
}

Function function_named(const std::string& name) {
  if (name == "rosenbrock") return rosenbrock;
  if (name == "quadratic10") return quadratic(10.0);
  if (name == "quadratic1000") return quadratic(1000.0);
  ADD_FAILURE() << "unknown function " << name;
  return rosenbrock;
}

/// Params with one tensor per entry of `shapes` (sizes), holding `start`.
void declare(Params<double>& p, const std::vector<std::size_t>& shapes,
             const std::vector<double>& start) {
  for (std::size_t k = 0; k < shapes.size(); ++k) p.add(fmt::format("p{}", k), {shapes[k]});
  p.allocate();
  std::copy(start.begin(), start.end(), p.values().begin());
}

Closure closure_of(Params<double>& p, Function f) {
  return [&p, f] { return f(p.values(), p.grads()); };
}

// Golden iterates of torch.optim.LBFGS (tools/golden/lbfgs.py), float64, 1e-9 relative (on this
// machine they agree to the last bit: rtol 0 passes); values below 1e-9 in magnitude (iterates
// converging to 0) with an absolute tolerance of 1e-18. n_iter and func_evals exactly.
TEST(LBFGS, MatchesTorchIterates) {
  const auto golden = test::load_golden("lbfgs.json");
  for (const auto& c : golden["cases"]) {
    SCOPED_TRACE(c["function"].dump() + " " + c["options"].dump());
    Params<double> p;
    declare(p, c["shapes"].get<std::vector<std::size_t>>(), c["start"].get<std::vector<double>>());
    nlohmann::json spec = c["options"];
    spec["name"] = "lbfgs";
    auto opt = make<double>(p, spec);
    auto& lbfgs = dynamic_cast<LBFGS<double>&>(*opt);
    const Closure closure = closure_of(p, function_named(c["function"].get<std::string>()));
    int k = 0;
    for (const auto& s : c["steps"]) {
      SCOPED_TRACE(fmt::format("step {}", k++));
      const double loss = opt->step(closure);
      EXPECT_TRUE(test::close(loss, s["loss"].get<double>(), 1e-9, 1e-12));
      const auto x = s["x"].get<std::vector<double>>();
      for (std::size_t i = 0; i < x.size(); ++i)
        EXPECT_TRUE(test::close(p.values()[i], x[i], 1e-9, 1e-9));
      EXPECT_EQ(lbfgs.n_iter(), s["n_iter"].get<std::int64_t>());
      EXPECT_EQ(lbfgs.func_evals(), s["func_evals"].get<std::int64_t>());
      if (::testing::Test::HasFailure()) break;
    }
  }
}

TEST(LBFGS, DefaultsAreTorchs) {
  Params<double> p;
  declare(p, {2}, {0, 0});
  auto opt = make<double>(p, nlohmann::json{{"name", "lbfgs"}});
  const auto o = opt->group_options(0);
  EXPECT_EQ(o["lr"], 1.0);
  EXPECT_EQ(o["max_iter"], 20);
  EXPECT_EQ(o["max_eval"], 0);  // torch's None: max_iter * 5 // 4
  EXPECT_EQ(dynamic_cast<LBFGS<double>&>(*opt).group(0).max_evals(), 25);
  EXPECT_EQ(o["tolerance_grad"], 1e-7);
  EXPECT_EQ(o["tolerance_change"], 1e-9);
  EXPECT_EQ(o["history_size"], 100);
  EXPECT_EQ(o["line_search_fn"], "none");
  auto opt2 = make<double>(p, nlohmann::json{{"name", "lbfgs"}, {"max_iter", 8}});
  EXPECT_EQ(dynamic_cast<LBFGS<double>&>(*opt2).group(0).max_evals(), 10);
}

TEST(LBFGS, MisuseIsExplained) {
  Params<double> p;
  declare(p, {2}, {1, 1});
  auto opt = make<double>(p, nlohmann::json{{"name", "lbfgs"}});
  EXPECT_THAT([&] { opt->step(); },
              testing::ThrowsMessage<UsageError>(HasSubstr("call step(closure)")));
  EXPECT_THAT(
      [&] {
        make<double>(p, nlohmann::json{{"name", "lbfgs"}, {"line_search_fn", "armijo"}});
      },
      testing::ThrowsMessage<ConfigError>(HasSubstr("invalid line_search_fn value: \"armijo\"")));
  Params<double> two;
  two.add("a", {1}, 0);
  two.add("b", {1}, 1);
  two.allocate();
  EXPECT_THAT(
      [&] {
        make<double>(two, nlohmann::json{{"name", "lbfgs"}});
      },
      testing::ThrowsMessage<ConfigError>(HasSubstr("one parameter group")));
}

/// A state_dict taken mid-run and loaded into a fresh optimizer continues bit for bit, also after
/// the history ring wrapped around (history_size 3, many iterations).
TEST(LBFGS, StateDictRoundTripContinuesBitIdentically) {
  for (const char* line_search : {"none", "strong_wolfe"}) {
    SCOPED_TRACE(line_search);
    const nlohmann::json spec{{"name", "lbfgs"},
                              {"history_size", 3},
                              {"max_iter", 5},
                              {"lr", 0.5},
                              {"line_search_fn", line_search}};
    Params<double> p1, p2;
    declare(p1, {3, 2}, {-1.2, 1.0, -0.5, 0.3, 2.0});
    declare(p2, {3, 2}, {0, 0, 0, 0, 0});
    auto a = make<double>(p1, spec);
    auto b = make<double>(p2, spec);
    const Closure f1 = closure_of(p1, rosenbrock), f2 = closure_of(p2, rosenbrock);
    for (int k = 0; k < 3; ++k) a->step(f1);
    b->load_state_dict(a->state_dict());
    std::copy(p1.values().begin(), p1.values().end(), p2.values().begin());
    for (int k = 0; k < 3; ++k) {
      a->step(f1);
      b->step(f2);
    }
    for (std::size_t i = 0; i < p1.size(); ++i) EXPECT_EQ(p1.values()[i], p2.values()[i]);
    EXPECT_EQ(a->state_dict().groups, b->state_dict().groups);
  }
}

TEST(LBFGS, ShrinkingTheHistoryKeepsTheNewestPairs) {
  Params<double> p1, p2;
  declare(p1, {2}, {-1.2, 1.0});
  declare(p2, {2}, {-1.2, 1.0});
  auto a =
      make<double>(p1, nlohmann::json{{"name", "lbfgs"}, {"history_size", 6}, {"max_iter", 4}});
  auto b =
      make<double>(p2, nlohmann::json{{"name", "lbfgs"}, {"history_size", 6}, {"max_iter", 4}});
  const Closure f1 = closure_of(p1, rosenbrock), f2 = closure_of(p2, rosenbrock);
  a->step(f1);
  b->step(f2);
  a->set_group_options(0, {{"history_size", 2}});
  const auto sd = a->state_dict();
  ASSERT_EQ(sd.groups[0]["state"]["ro"].size(), 2u);
  const auto full = b->state_dict();
  const auto& ro = full.groups[0]["state"]["ro"];
  ASSERT_GT(ro.size(), 2u);
  EXPECT_EQ(sd.groups[0]["state"]["ro"][1], ro[ro.size() - 1]);
  EXPECT_EQ(sd.groups[0]["state"]["ro"][0], ro[ro.size() - 2]);
}

TEST(LBFGS, FloatConvergesOnTheQuadratic) {
  Params<float> p;
  p.add("x", {2});
  p.allocate();
  p.values()[0] = 3, p.values()[1] = -2;
  auto opt = make<float>(p, nlohmann::json{{"name", "lbfgs"}, {"line_search_fn", "strong_wolfe"}});
  const Closure f = [&] {
    p.grads()[0] = p.values()[0], p.grads()[1] = 100 * p.values()[1];
    return 0.5 * (double(p.values()[0]) * p.values()[0] + 100.0 * p.values()[1] * p.values()[1]);
  };
  for (int k = 0; k < 3; ++k) opt->step(f);
  EXPECT_LT(std::abs(p.values()[0]), 1e-4f);
  EXPECT_LT(std::abs(p.values()[1]), 1e-4f);
}

}  // namespace
}  // namespace descent::optim
