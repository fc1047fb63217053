#pragma once
// Parallel loops over index ranges. Work is split into fixed-size chunks independent of the thread
// count, so reductions give the same bits whatever the number of threads.
#include <algorithm>
#include <cstddef>
#include <type_traits>

namespace descent {

/// Elements per chunk of a parallel loop; below this a loop runs on the calling thread.
inline constexpr std::size_t kParallelChunk = std::size_t{1} << 15;

/// Number of threads parallel loops use (OpenMP); 0 = the OpenMP default.
void set_num_threads(int n);
int num_threads();

namespace detail {
void run_chunks(std::size_t num_chunks, void (*body)(void*, std::size_t), void* context);
}

/// Calls fn(begin, end) over [0, n) in chunks of kParallelChunk, in parallel when n is large.
template <class Fn>
void parallel_for(std::size_t n, Fn&& fn) {
  if (n <= kParallelChunk) {
    if (n) fn(std::size_t{0}, n);
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
