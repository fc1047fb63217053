#include "descent/core/parallel.hpp"

#include <omp.h>

#include <vector>

namespace descent {

void set_num_threads(int n) {
  if (n > 0) omp_set_num_threads(n);
}

int num_threads() {
  return omp_get_max_threads();
}

namespace detail {
void run_chunks(std::size_t num_chunks, void (*body)(void*, std::size_t), void* context) {
  const auto n = static_cast<long long>(num_chunks);
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < n; ++i) body(context, static_cast<std::size_t>(i));
}
}  // namespace detail

double parallel_sum(std::size_t n, double (*partial)(const void*, std::size_t, std::size_t),
                    const void* context) {
  double total = 0;
  if (n < kParallelMin) {  // the same chunks and order, on this thread
    for (std::size_t begin = 0; begin < n; begin += kParallelChunk)
      total += partial(context, begin, std::min(begin + kParallelChunk, n));
    return total;
  }
  const std::size_t chunks = (n + kParallelChunk - 1) / kParallelChunk;
  std::vector<double> sums(chunks);
  const auto count = static_cast<long long>(chunks);
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < count; ++i) {
    std::size_t begin = static_cast<std::size_t>(i) * kParallelChunk;
    sums[i] = partial(context, begin, std::min(begin + kParallelChunk, n));
  }
  for (double s : sums) total += s;
  return total;
}

}  // namespace descent
