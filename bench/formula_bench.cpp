// Objectives typed as formulas vs the built-in test functions: f and its gradient for Rosenbrock
// (and Beale) typed as a formula (GiNaC-differentiated, evaluated by objective's tape) against the
// hand-written objective::Rosenbrock. The counter vs_builtin is the time ratio formula / built-in,
// both measured in this run as the best of alternating rounds of CPU time (target: <= 5).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <ctime>

#include "descent/objective/formula.hpp"
#include "descent/objective/test_functions.hpp"

namespace {

using namespace descent::objective;

constexpr std::array<std::array<double, 2>, 4> kPoints{
    {{-1.5, 2.0}, {0.3, -0.7}, {1.1, 1.2}, {-0.2, 0.05}}};

/// This thread's CPU time in seconds (not the wall clock: the machine may be shared).
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

/// CPU seconds per value_and_gradient call of f, over `calls` calls cycling over kPoints.
template <class F>
double seconds_per_call(const F& f, int calls) {
  std::array<double, 2> g{};
  const double start = cpu_seconds();
  for (int i = 0; i < calls; ++i) {
    benchmark::DoNotOptimize(value_and_gradient(f, kPoints[i & 3], g));
    benchmark::ClobberMemory();
  }
  return (cpu_seconds() - start) / calls;
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
  // The ratio: the best of 10 alternating rounds of each, so that both see the same machine.
  constexpr int kCalls = 200'000;
  double formula = 1e9, builtin = 1e9;
  for (int round = 0; round < 10; ++round) {
    formula = std::min(formula, seconds_per_call(f, kCalls));
    builtin = std::min(builtin, seconds_per_call(Builtin{}, kCalls));
  }
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
