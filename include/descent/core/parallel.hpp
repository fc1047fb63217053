#pragma once
// Parallel loops over index ranges, and tasks shared between descent's threads (the calling
// thread and num_threads() - 1 helpers, src/core/task_team.cpp). Reductions (parallel_sum) are
// split into fixed-size chunks independent of the thread count, so they give the same bits
// whatever the number of threads; element-wise loops (parallel_for) into one contiguous range per
// thread, which no result depends on. BackgroundTasks hands work (the next batch's gather) to the
// helpers' idle time between jobs.
//
// Loops shorter than kParallelMin run on the calling thread: the loops here are memory-bound
// (zero_grad, norms, clipping, the optimizers' element-wise steps: ~0.1-0.6 ns per element), so
// on short ones sharing saves less than waking a helper costs. (With OpenMP's spinning workers it
// cost far more: under load, the Fashion-MNIST MLP step at batch 128 went from ~1 ms to ~6 ms wall
// because zero_grad of its 203k gradients opened a parallel region.) From 2^17 elements on they
// are shared: the Fashion-MNIST MLP's 203k-parameter SGD step, whose gradients both cores wrote,
// took ~150 us on one thread of a 2-thread run (60 us in a 1-thread run).
//
// A job's task i is claimed first by the calling thread for i = 0 and by the first helper for
// i = 1, so parallel_for's first range runs where the first block of a layer's products ran
// (src/nn/linear.cpp): each core updates the weights whose gradients it wrote.
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace descent {

/// Elements per chunk of parallel_sum's partial sums.
inline constexpr std::size_t kParallelChunk = std::size_t{1} << 15;
/// Loops over fewer elements than this run on the calling thread.
inline constexpr std::size_t kParallelMin = std::size_t{1} << 17;

/// Number of threads parallel loops use (OpenMP); 0 = the OpenMP default.
void set_num_threads(int n);
int num_threads();

namespace detail {
// src/core/task_team.cpp: the calling thread and num_threads() - 1 helper threads claim the tasks
// one at a time; the call returns when every task has run.
void run_tasks(std::size_t num_tasks, void (*task)(void*, std::size_t), void* context);
// The background job (one per process): false, nothing posted, on one thread or while another is
// posted. finish_background runs the tasks no helper has claimed and returns when all have run.
bool post_background(std::size_t num_tasks, void (*task)(void*, std::size_t), void* context);
void finish_background();
}  // namespace detail

/// Calls task(i) once for every i in [0, num_tasks): shared with descent's helper threads when
/// in_parallel, else in order on the calling thread. The caller fixes the tasks independently of
/// the thread count, so the results are the same bits whichever thread runs which task. A task
/// must not throw.
template <class Task>
void run_tasks(std::size_t num_tasks, bool in_parallel, Task&& task) {
  if (!in_parallel || num_tasks < 2) {
    for (std::size_t i = 0; i < num_tasks; ++i) task(i);
    return;
  }
  detail::run_tasks(
      num_tasks,
      [](void* t, std::size_t i) { (*static_cast<std::remove_reference_t<Task>*>(t))(i); }, &task);
}

/// Tasks that descent's idle helper threads run while the caller goes on: start() posts them (a
/// helper between two jobs of run_tasks claims one at a time), wait() runs those not yet claimed
/// on the calling thread and returns when every task has run. The task object must live until
/// then. On one thread, or while another thread's background tasks are posted, wait() runs them
/// all. A task must not throw.
class BackgroundTasks {
 public:
  BackgroundTasks() = default;
  BackgroundTasks(const BackgroundTasks&) = delete;
  BackgroundTasks& operator=(const BackgroundTasks&) = delete;
  ~BackgroundTasks() { wait(); }

  template <class Task>
  void start(std::size_t num_tasks, Task& task) {
    wait();
    num_tasks_ = num_tasks;
    context_ = &task;
    run_ = [](void* t, std::size_t i) { (*static_cast<Task*>(t))(i); };
    posted_ = detail::post_background(num_tasks, run_, context_);
    pending_ = true;
  }

  void wait() {
    if (!std::exchange(pending_, false)) return;
    if (posted_) {
      detail::finish_background();
    } else {
      for (std::size_t i = 0; i < num_tasks_; ++i) run_(context_, i);
    }
  }

 private:
  std::size_t num_tasks_ = 0;
  void* context_ = nullptr;
  void (*run_)(void*, std::size_t) = nullptr;
  bool posted_ = false, pending_ = false;
};

/// Calls fn(begin, end) over [0, n) (not at all if n = 0): once on the calling thread when n <
/// kParallelMin, else for num_threads() contiguous ranges (starting on 64-byte boundaries of
/// floats), shared.
template <class Fn>
void parallel_for(std::size_t n, Fn&& fn) {
  if (n == 0) return;
  constexpr std::size_t kAlign = 16;
  const std::size_t parts =
      n < kParallelMin ? 1 : std::max<std::size_t>(1, static_cast<std::size_t>(num_threads()));
  const auto start = [&](std::size_t i) {
    return i == parts ? n : n * i / parts / kAlign * kAlign;
  };
  run_tasks(parts, true, [&](std::size_t i) { fn(start(i), start(i + 1)); });
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
