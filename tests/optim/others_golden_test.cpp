// Adagrad, RMSprop, Adadelta, Adamax, NAdam and RAdam replayed against torch 1.13's trajectories
// (tests/golden/optim_others.json, written by tools/golden/optim_others.py): every case builds the
// optimizer with optim::make from the case's spec, over two groups ("a": 3 elements in group 0,
// "b": 2 in group 1), and feeds it the generator's gradient
//     g_i = sin(0.7 t + 1.3 i) + 0.1 p_i   (in double, then rounded to T; t = step from 1,
//                                           i = arena index)
// then compares parameters and state buffers after every step.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "descent/core/params.hpp"
#include "descent/optim/factory.hpp"
#include "descent/optim/fmadd.hpp"
#include "support/golden.hpp"

namespace descent::optim {
namespace {

using nlohmann::json;

// Tolerances: |actual - expected| <= rtol * max(|expected|, floor), the floor because state entries
// (averages of an oscillating gradient) pass through zero. With hardware FMA descent rounds every
// operation as torch's AVX2 kernels do (fmadd.hpp): the replay is bit-identical (measured worst
// error 0 in all 102 cases); the bounds are the project's 1e-12 and 4 float ulps. Without FMA
// torch's multiply-adds are rounded twice; measured there: params 1.4e-14 / state 8.3e-13 (double),
// params 2.5e-6 / state 8.8e-5 (float, exp_avg entries formed by cancellation of O(1) terms).
struct Tolerance {
  double params, state, floor;
};
constexpr Tolerance kDouble =
    kFusedMultiplyAdd ? Tolerance{1e-12, 1e-12, 1e-6} : Tolerance{1e-12, 1e-11, 1e-6};
constexpr Tolerance kFloat =
    kFusedMultiplyAdd ? Tolerance{4 * 0x1p-24, 4 * 0x1p-24, 1e-6} : Tolerance{1e-5, 3e-4, 1e-3};

struct Worst {
  double floor;
  double error = 0;
  std::string where;
  void add(double actual, double expected, const std::string& what) {
    const double e = std::abs(actual - expected) / std::max(std::abs(expected), floor);
    if (!(e <= error)) error = e, where = what;  // NaN counts as worst
  }
};

template <class T>
std::pair<Worst, Worst> replay(const json& golden, const json& c, double floor) {
  const auto sizes = golden["sizes"].get<std::vector<std::size_t>>();
  const auto init = golden["init"].get<std::vector<double>>();
  Params<T> params;
  params.add("a", {sizes[0]}, 0);
  params.add("b", {sizes[1]}, 1);
  params.allocate();
  auto values = params.values();
  auto grads = params.grads();
  std::copy(init.begin(), init.end(), values.begin());
  auto opt = make<T>(params, c["spec"]);

  Worst worst_param{floor, 0, {}}, worst_state{floor, 0, {}};
  const std::size_t steps = golden["steps"].get<std::size_t>();
  for (std::size_t t = 1; t <= steps; ++t) {
    for (std::size_t i = 0; i < values.size(); ++i)
      grads[i] = T(std::sin(0.7 * double(t) + 1.3 * double(i)) + 0.1 * double(values[i]));
    opt->step();
    const std::string at = "step " + std::to_string(t);
    for (std::size_t i = 0; i < values.size(); ++i)
      worst_param.add(values[i], c["params"][t - 1][i].get<double>(),
                      at + " param " + std::to_string(i));
    const StateDict<T> sd = opt->state_dict();
    for (const auto& [name, data] : sd.buffers) {
      if (!c["state"].contains(name)) continue;  // a buffer torch does not keep in this case
      const json& expected = c["state"][name][t - 1];
      for (std::size_t i = 0; i < data.size(); ++i)
        if (!expected[i].is_null())
          worst_state.add(data[i], expected[i].get<double>(),
                          at + " " + name + "[" + std::to_string(i) + "]");
    }
    if (c.contains("mu_product")) {  // NAdam: torch's float32 product, reproduced exactly
      for (std::size_t g = 0; g < 2; ++g) {
        EXPECT_EQ(sd.groups[g]["mu_product"].template get<double>(),
                  c["mu_product"][t - 1][g].get<double>())
            << at << " group " << g;
      }
    }
    for (std::size_t g = 0; g < 2; ++g) EXPECT_EQ(opt->step_count(g), std::int64_t(t));
  }
  // every buffer torch keeps must exist here
  for (const auto& [name, rows] : c["state"].items()) {
    bool found = false;
    for (const auto& buffer : opt->state_dict().buffers) found |= buffer.first == name;
    EXPECT_TRUE(found) << "no state buffer '" << name << "'";
  }
  return {worst_param, worst_state};
}

template <class T>
void check_all(const char* dtype, const Tolerance& tol) {
  const json golden = test::load_golden("optim_others.json");
  ASSERT_TRUE(golden.contains("cases"));
  int n = 0;
  double params = 0, state = 0;
  for (const auto& c : golden["cases"]) {
    if (c["dtype"] != dtype) continue;
    ++n;
    SCOPED_TRACE(c["case"].get<std::string>());
    const auto [p, s] = replay<T>(golden, c, tol.floor);
    EXPECT_LE(p.error, tol.params) << "worst at " << p.where;
    EXPECT_LE(s.error, tol.state) << "worst at " << s.where;
    params = std::max(params, p.error), state = std::max(state, s.error);
  }
  EXPECT_GE(n, 40);
  std::printf("%s: %d cases, worst relative error: params %.2g, state %.2g\n", dtype, n, params,
              state);
}

TEST(OthersGolden, Float64MatchesTorch) {
  check_all<double>("float64", kDouble);
}
TEST(OthersGolden, Float32MatchesTorch) {
  check_all<float>("float32", kFloat);
}

}  // namespace
}  // namespace descent::optim
