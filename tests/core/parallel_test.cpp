// parallel_for / parallel_sum: the same chunks whether they run on the calling thread (below
// kParallelMin) or in parallel, so sums have the same bits either way. run_tasks: every task runs
// exactly once, however many threads share it, from nested and from concurrent callers.
// BackgroundTasks: each task runs once, by an idle helper or by wait().
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
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

// parallel_for covers [0, n) once, in one range below kParallelMin and in one contiguous range per
// thread (each starting on a multiple of 16 elements) from it on.
TEST(Parallel, ForCoversTheRangeOnceInOneRangePerThread) {
  const int saved = num_threads();
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    for (std::size_t n : {std::size_t{0}, std::size_t{9}, kParallelMin - 1, kParallelMin + 1}) {
      std::vector<int> hits(n, 0);
      std::mutex m;
      std::vector<std::pair<std::size_t, std::size_t>> ranges;
      parallel_for(n, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) ++hits[i];
        std::lock_guard lock(m);
        ranges.emplace_back(b, e);
      });
      for (int h : hits) ASSERT_EQ(h, 1) << n;
      const std::size_t expected = n == 0 ? 0 : n < kParallelMin ? 1 : std::size_t(threads);
      ASSERT_EQ(ranges.size(), expected) << n << " on " << threads;
      for (const auto& [b, e] : ranges) EXPECT_EQ(b % 16, 0u) << n;
    }
  }
  set_num_threads(saved);
}

// Runs `jobs` jobs of 1 to 40 tasks through run_tasks and checks that each task ran exactly once.
void expect_each_task_once(int jobs, unsigned seed) {
  for (int job = 0; job < jobs; ++job) {
    const std::size_t n = 1 + (seed + 7u * unsigned(job)) % 40;
    auto hits = std::make_unique<std::atomic<int>[]>(n);
    run_tasks(n, true, [&](std::size_t i) { hits[i].fetch_add(1, std::memory_order_relaxed); });
    for (std::size_t i = 0; i < n; ++i)
      ASSERT_EQ(hits[i].load(), 1) << "job " << job << " task " << i;
  }
}

TEST(Parallel, EachTaskRunsOnceOnAnyNumberOfThreads) {
  const int saved = num_threads();
  for (int threads : {1, 2, 3, 2}) {
    set_num_threads(threads);
    expect_each_task_once(3000, unsigned(threads));
  }
  set_num_threads(saved);
}

TEST(Parallel, TasksStartedFromATaskAndFromTwoThreadsAtOnceEachRunOnce) {
  const int saved = num_threads();
  set_num_threads(2);
  std::atomic<int> inner{0};
  run_tasks(4, true, [&](std::size_t) {  // nested: runs on the task's own thread
    run_tasks(5, true, [&](std::size_t) { inner.fetch_add(1); });
  });
  EXPECT_EQ(inner.load(), 20);
  // Two callers at once: one of them has the helpers, the other runs its tasks itself.
  std::thread other([] { expect_each_task_once(2000, 11); });
  expect_each_task_once(2000, 5);
  other.join();
  set_num_threads(saved);
}

// A background job of n tasks; returns how many ran on a thread other than the caller's.
std::size_t run_background(std::size_t n, bool idle) {
  auto hits = std::make_unique<std::atomic<int>[]>(n);
  std::atomic<std::size_t> elsewhere{0};
  const auto caller = std::this_thread::get_id();
  auto task = [&](std::size_t i) {
    hits[i].fetch_add(1, std::memory_order_relaxed);
    if (std::this_thread::get_id() != caller) elsewhere.fetch_add(1);
  };
  BackgroundTasks background;
  run_tasks(4, true, [](std::size_t) {});  // wakes the helpers
  background.start(n, task);
  if (idle) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } else {
    expect_each_task_once(50, unsigned(n));  // jobs of the caller's meanwhile
  }
  background.wait();
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 1) << "task " << i;
  return elsewhere.load();
}

TEST(Parallel, BackgroundTasksRunOnceWhileTheCallerWorksOrWaits) {
  const int saved = num_threads();
  set_num_threads(1);
  EXPECT_EQ(run_background(30, true), 0u);  // one thread: wait() runs them all
  set_num_threads(2);
  std::size_t by_helper = 0;
  for (int round = 0; round < 20; ++round) {
    run_background(1 + std::size_t(round) * 7 % 40, round % 2);
    by_helper += run_background(40, true);
  }
  // An idle helper took tasks while the caller slept (any of 20 rounds, however loaded).
  EXPECT_GT(by_helper, 0u);
  set_num_threads(saved);
}

TEST(Parallel, BackgroundTasksOfTwoCallersAtOnceEachRunOnce) {
  const int saved = num_threads();
  set_num_threads(2);
  // One background job at a time: the second caller's tasks all run in its wait().
  std::atomic<int> first{0}, second{0};
  auto a = [&](std::size_t) { first.fetch_add(1); };
  auto b = [&](std::size_t) { second.fetch_add(1); };
  BackgroundTasks one, two;
  one.start(25, a);
  std::thread other([&] {
    two.start(17, b);
    two.wait();
  });
  other.join();
  EXPECT_EQ(second.load(), 17);
  one.wait();
  EXPECT_EQ(first.load(), 25);
  one.start(3, a);  // started again, and finished by the destructor
  set_num_threads(saved);
}

}  // namespace
}  // namespace descent
