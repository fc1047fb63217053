#pragma once
// Parallel loops over index ranges. Work is split into fixed-size chunks independent of the thread
// count, so reductions give the same bits whatever the number of threads (and whether the chunks
// run in parallel or one after the other).
//
// Loops shorter than kParallelMin run on the calling thread: the loops here are memory-bound
// (zero_grad, norms, clipping, the optimizers' element-wise steps: ~0.1-0.6 ns per element), so
// below ~1M elements a parallel region saves less than it costs, and with OpenMP's default active
// wait policy its worker threads then spin for milliseconds, taking the core from the matrix
// products that follow (under load, the Fashion-MNIST MLP step at batch 128 went from ~1 ms to
// ~6 ms wall because zero_grad of its 203k gradients opened a parallel region).
#include <algorithm>
#include <cstddef>
#include <type_traits>

namespace descent {

/// Elements per chunk of a parallel loop (and of the partial sums of parallel_sum).
inline constexpr std::size_t kParallelChunk = std::size_t{1} << 15;
/// Loops over fewer elements than this run their chunks on the calling thread.
inline constexpr std::size_t kParallelMin = std::size_t{1} << 20;

/// Number of threads parallel loops use (OpenMP); 0 = the OpenMP default.
void set_num_threads(int n);
int num_threads();

namespace detail {
void run_chunks(std::size_t num_chunks, void (*body)(void*, std::size_t), void* context);
}

/// Calls fn(begin, end) over [0, n) in chunks of kParallelChunk, in parallel when n >=
/// kParallelMin.
template <class Fn>
void parallel_for(std::size_t n, Fn&& fn) {
  if (n < kParallelMin) {
    for (std::size_t begin = 0; begin < n; begin += kParallelChunk)
      fn(begin, std::min(begin + kParallelChunk, n));
    return;
  }
  const std::size_t chunks = (n + kParallelChunk - 1) / kParallelChunk;
  struct Context {
    Fn* fn;
    std::size_t n;
  } ctx{&fn, n};
  detail::run_chunks(
      chunks,
      [](void* c, std::size_t i) {
        auto* ctx = static_cast<Context*>(c);
        std::size_t begin = i * kParallelChunk;
        (*ctx->fn)(begin, std::min(begin + kParallelChunk, ctx->n));
      },
      &ctx);
}

/// Sum over [0, n) of partial(begin, end), computed per fixed chunk and added in chunk order:
/// deterministic for any thread count.
double parallel_sum(std::size_t n, double (*partial)(const void*, std::size_t, std::size_t),
                    const void* context);

template <class Fn>
double parallel_sum(std::size_t n, Fn&& partial) {
  return parallel_sum(
      n,
      [](const void* c, std::size_t b, std::size_t e) {
        return (*static_cast<const std::remove_reference_t<Fn>*>(c))(b, e);
      },
      &partial);
}

}  // namespace descent
