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

double parallel_sum(std::size_t n, double (*partial)(const void*, std::size_t, std::size_t),
                    const void* context) {
  double total = 0;
  if (n < kParallelMin) {  // the same chunks and order, on this thread
    for (std::size_t begin = 0; begin < n; begin += kParallelChunk)
      total += partial(context, begin, std::min(begin + kParallelChunk, n));
    return total;
  }
  std::vector<double> sums((n + kParallelChunk - 1) / kParallelChunk);
  run_tasks(sums.size(), true, [&](std::size_t i) {
    std::size_t begin = i * kParallelChunk;
    sums[i] = partial(context, begin, std::min(begin + kParallelChunk, n));
  });
  for (double s : sums) total += s;
  return total;
}

}  // namespace descent
