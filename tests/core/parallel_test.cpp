// parallel_for / parallel_sum: the same chunks whether they run on the calling thread (below
// kParallelMin) or in parallel, so sums have the same bits either way.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "descent/core/parallel.hpp"

namespace descent {
namespace {

std::vector<double> terms(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = std::sin(0.37 * double(i)) * (1 + double(i % 11));
  return v;
}

// The sum per chunk of kParallelChunk, chunks added in order: what parallel_sum promises.
double chunked_sum(const std::vector<double>& v) {
  double total = 0;
  for (std::size_t b = 0; b < v.size(); b += kParallelChunk) {
    double s = 0;
    for (std::size_t i = b; i < std::min(b + kParallelChunk, v.size()); ++i) s += v[i];
    total += s;
  }
  return total;
}

TEST(Parallel, SumIsChunkedTheSameBelowAndAboveTheParallelThreshold) {
  for (std::size_t n : {std::size_t{5}, kParallelChunk + 3, kParallelMin - 1, kParallelMin + 17}) {
    const auto v = terms(n);
    const double sum = parallel_sum(n, [&](std::size_t b, std::size_t e) {
      double s = 0;
      for (std::size_t i = b; i < e; ++i) s += v[i];
      return s;
    });
    const double expected = chunked_sum(v);
    EXPECT_EQ(std::memcmp(&sum, &expected, sizeof sum), 0)
        << n << ": " << sum << " vs " << expected;
  }
}

TEST(Parallel, ForCallsEachChunkOnceOnEitherPath) {
  for (std::size_t n : {std::size_t{0}, std::size_t{9}, 3 * kParallelChunk + 1, kParallelMin + 1}) {
    std::vector<int> hits(n, 0);
    std::vector<int> starts((n + kParallelChunk - 1) / kParallelChunk, 0);
    parallel_for(n, [&](std::size_t b, std::size_t e) {
      ASSERT_EQ(b % kParallelChunk, 0u);
      ASSERT_EQ(e, std::min(b + kParallelChunk, n));
      ++starts[b / kParallelChunk];
      for (std::size_t i = b; i < e; ++i) ++hits[i];
    });
    for (int h : hits) ASSERT_EQ(h, 1) << n;
    for (int s : starts) ASSERT_EQ(s, 1) << n;
  }
}

}  // namespace
}  // namespace descent
