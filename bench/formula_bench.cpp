// Objectives typed as formulas vs the built-in test functions: f and its gradient for Rosenbrock
// (and Beale) typed as a formula (GiNaC-differentiated, evaluated by objective's tape) against the
// hand-written objective::Rosenbrock. The counter vs_builtin is the time ratio formula / built-in,
// both measured in this run (target: <= 5).
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>

#include "descent/objective/formula.hpp"
#include "descent/objective/test_functions.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace descent::objective;

constexpr std::array<std::array<double, 2>, 4> kPoints{
    {{-1.5, 2.0}, {0.3, -0.7}, {1.1, 1.2}, {-0.2, 0.05}}};

/// Seconds per value_and_gradient call of f, over `calls` calls cycling over kPoints.
template <class F>
double seconds_per_call(const F& f, int calls) {
  std::array<double, 2> g{};
  const auto start = Clock::now();
  for (int i = 0; i < calls; ++i) {
    benchmark::DoNotOptimize(value_and_gradient(f, kPoints[i & 3], g));
    benchmark::ClobberMemory();
  }
  return std::chrono::duration<double>(Clock::now() - start).count() / calls;
}

template <class F>
void run(benchmark::State& state, const F& f) {
  std::array<double, 2> g{};
  int i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(value_and_gradient(f, kPoints[i++ & 3], g));
    benchmark::ClobberMemory();
  }
}

void BM_RosenbrockBuiltin(benchmark::State& state) {
  run(state, Rosenbrock{});
}

template <class Builtin>
void BM_Formula(benchmark::State& state, const char* text) {
  const Formula f = Formula::parse(text);
  run(state, f);
  constexpr int kCalls = 2'000'000;
  seconds_per_call(f, kCalls / 10);  // warm-up
  const double formula = seconds_per_call(f, kCalls);
  const double builtin = seconds_per_call(Builtin{}, kCalls);
  state.counters["vs_builtin"] = formula / builtin;
  state.counters["builtin_ns"] = builtin * 1e9;
}

void BM_RosenbrockFormula(benchmark::State& state) {
  BM_Formula<Rosenbrock>(state, "(1-x)^2 + 100*(y-x^2)^2");
}
void BM_BealeFormula(benchmark::State& state) {
  BM_Formula<Beale>(state, "(1.5-x+x*y)^2 + (2.25-x+x*y^2)^2 + (2.625-x+x*y^3)^2");
}

BENCHMARK(BM_RosenbrockBuiltin);
BENCHMARK(BM_RosenbrockFormula);
BENCHMARK(BM_BealeFormula);

}  // namespace
