// Optimizer step speed on 10M float parameters as memory bandwidth, against a triad kernel
// (a = b + s*c, the STREAM ceiling) measured in the same run at the same thread count:
//   build/release/bench/optim_bench [--benchmark_filter=threads:2]
// An element-wise step is memory bound, so the figure of merit is bytes/s relative to the triad.
// bytes_per_second counts each array a step must read or write once per element (4 bytes each):
//   SGD momentum: read p, g, b; write p, b            = 5 streams
//   Adam / AdamW: read p, g, m, v; write p, m, v      = 7 streams
//   RAdam, NAdam, Adamax, Adadelta: 2 state buffers  = 7 streams
//   Adagrad:      read p, g, sum; write p, sum        = 5 streams
//   RMSprop:      read p, g, v; write p, v            = 5 streams
//     centered, momentum: also read/write m, b         = 9 streams
//   triad:        read b, c; write a                  = 3 streams
// vs_triad = the step's bytes/s / the triad's bytes/s, the triad timed right after the step's
// loop (10 runs) so both see the same load. The triad's store to `a` also costs a read for
// ownership that is not counted (as in STREAM), while the optimizers update their arrays in place,
// so a step can reach vs_triad > 1. Times are wall-clock (the step runs on OpenMP threads).
// bench/compare_torch.py runs this binary and times torch.optim on the same problem.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "descent/core/aligned_buffer.hpp"
#include "descent/core/parallel.hpp"
#include "descent/core/params.hpp"
#include "descent/optim/factory.hpp"

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kParams = 10'000'000;
constexpr double kFloatBytes = sizeof(float);

/// a = b + s*c over three arrays of kParams floats, split into the chunks parallel_for uses for the
/// optimizer steps.
class Triad {
 public:
  static constexpr int kStreams = 3;

  Triad() : a_(kParams), b_(kParams), c_(kParams) {
    for (std::size_t i = 0; i < kParams; ++i) b_[i] = float(i % 1000) * 1e-3f, c_[i] = 1.0f;
  }

  void run() {
    float* __restrict a = a_.data();
    const float* __restrict b = b_.data();
    const float* __restrict c = c_.data();
    const float s = 0.5f;
    descent::parallel_for(kParams, [=](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) a[i] = b[i] + s * c[i];
    });
    benchmark::ClobberMemory();
  }

  /// Bytes/s over `runs` runs after one warm-up run.
  double bytes_per_second(int runs) {
    run();
    const auto start = Clock::now();
    for (int r = 0; r < runs; ++r) run();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return kStreams * kFloatBytes * kParams * runs / seconds;
  }

 private:
  descent::AlignedBuffer<float> a_, b_, c_;
};

void BM_Triad(benchmark::State& state) {
  descent::set_num_threads(int(state.range(0)));
  Triad triad;
  triad.run();
  for (auto _ : state) triad.run();
  state.SetBytesProcessed(std::int64_t(Triad::kStreams * kFloatBytes * kParams) *
                          state.iterations());
}

/// One optimizer step per iteration over kParams floats in one group; `streams` as counted above.
void BM_Step(benchmark::State& state, const char* spec, int streams) {
  descent::set_num_threads(int(state.range(0)));
  descent::Params<float> params;
  params.add("w", {kParams});
  params.allocate();
  auto values = params.values();
  auto grads = params.grads();
  for (std::size_t i = 0; i < kParams; ++i) {
    values[i] = float(i % 997) * 1e-3f - 0.5f;
    grads[i] = float(i % 1009) * 1e-4f - 0.05f;
  }
  auto opt = descent::optim::make<float>(params, spec);
  opt->step();  // warm-up: caches, page tables, OpenMP threads

  const auto start = Clock::now();
  for (auto _ : state) {
    opt->step();
    benchmark::ClobberMemory();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  const double bytes_per_step = streams * kFloatBytes * kParams;
  state.SetBytesProcessed(std::int64_t(bytes_per_step) * state.iterations());
  const double step_rate = bytes_per_step * double(state.iterations()) / seconds;
  const double triad_rate = Triad().bytes_per_second(10);
  state.counters["triad_bytes_per_second"] =
      benchmark::Counter(triad_rate, {}, benchmark::Counter::kIs1024);
  state.counters["vs_triad"] = step_rate / triad_rate;
}

void threads(benchmark::internal::Benchmark* b) {
  b->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_Triad)->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, sgd_momentum, R"({"name": "sgd", "lr": 0.01, "momentum": 0.9})", 5)
    ->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, adam, R"({"name": "adam", "lr": 0.001})", 7)->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, adamw, R"({"name": "adamw", "lr": 0.001})", 7)->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, radam, R"({"name": "radam", "lr": 0.001})", 7)->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, nadam, R"({"name": "nadam", "lr": 0.001})", 7)->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, adamax, R"({"name": "adamax", "lr": 0.001})", 7)->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, adadelta, R"({"name": "adadelta"})", 7)->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, adagrad, R"({"name": "adagrad", "lr": 0.01})", 5)->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, rmsprop, R"({"name": "rmsprop", "lr": 0.01})", 5)->Apply(threads);
BENCHMARK_CAPTURE(BM_Step, rmsprop_centered_momentum,
                  R"({"name": "rmsprop", "lr": 0.01, "centered": true, "momentum": 0.9})", 9)
    ->Apply(threads);

}  // namespace
