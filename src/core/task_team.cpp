// The threads behind run_tasks: the calling thread and num_threads() - 1 helpers share a job's
// tasks by claiming them one at a time, so a task runs exactly once, on whichever thread claims it
// first. The caller waits only for tasks a helper has claimed and is running, never for a helper
// to wake up: on a loaded machine a job takes at most about its one-thread time, where a fork-join
// region (OpenMP's) waits for every thread of its team, and with OpenMP's spinning waits a 2-thread
// MLP step fell from ~140k to ~8k samples/s while two compilers ran.
//
// Idle helpers spin for kHelperSpin (the gap between two products of one training step), then
// sleep on the job counter. While they spin they run the tasks of the background job, if one was
// posted (the next batch's gather while the step runs): a task at a time, checking for a job
// between tasks; the caller runs whatever is left when it needs the result.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "descent/core/parallel.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DESCENT_CPU_RELAX() _mm_pause()
#else
#define DESCENT_CPU_RELAX() std::this_thread::yield()
#endif

namespace descent::detail {
namespace {

constexpr auto kHelperSpin = std::chrono::microseconds(200);

// The claim word: the job's generation (16 bits), its number of tasks and its next unclaimed task
// (24 bits each). A helper that wakes late can claim only from the job it read, and reads the job's
// function only after its claim succeeded.
struct Claim {
  static constexpr std::uint64_t kTaskBits = 24, kTaskMask = (std::uint64_t{1} << kTaskBits) - 1;
  static constexpr std::size_t kMaxTasks = kTaskMask;
  static std::uint64_t make(std::uint32_t generation, std::size_t num_tasks) {
    return (std::uint64_t{generation & 0xffff} << 2 * kTaskBits) | (num_tasks << kTaskBits);
  }
  static bool of(std::uint64_t claim, std::uint32_t generation) {
    return claim >> 2 * kTaskBits == (generation & 0xffff);
  }
  static std::size_t num_tasks(std::uint64_t claim) { return (claim >> kTaskBits) & kTaskMask; }
  static std::size_t next(std::uint64_t claim) { return claim & kTaskMask; }
};

class TaskTeam {
 public:
  ~TaskTeam() {
    stop_.store(true);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (auto& t : helpers_) t.join();
  }

  // Runs the job with up to `helpers` helpers; false (nothing run) when the team is busy with
  // another thread's job or this is a task of its own job.
  bool try_run(std::size_t num_tasks, void (*task)(void*, std::size_t), void* context,
               std::size_t helpers) {
    if (busy_.test_and_set(std::memory_order_acquire)) return false;
    grow(helpers);
    task_ = task, context_ = context;
    helpers_wanted_.store(helpers, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    const std::uint32_t generation = generation_.load(std::memory_order_relaxed) + 1;
    claim_.store(Claim::make(generation, num_tasks), std::memory_order_release);
    generation_.store(generation, std::memory_order_release);
    generation_.notify_all();
    work(generation);
    wait_until_done(done_, num_tasks);
    busy_.clear(std::memory_order_release);
    return true;
  }

  // Posts the background job; false when one is posted already (it is not finished yet).
  bool try_post(std::size_t num_tasks, void (*task)(void*, std::size_t), void* context,
                std::size_t helpers) {
    if (background_busy_.test_and_set(std::memory_order_acquire)) return false;
    background_task_ = task, background_context_ = context;
    background_helpers_.store(helpers, std::memory_order_relaxed);
    background_done_.store(0, std::memory_order_relaxed);
    const std::uint32_t generation = ++background_generation_;
    background_claim_.store(Claim::make(generation, num_tasks), std::memory_order_release);
    return true;
  }

  // Runs the background job's unclaimed tasks on this thread and returns once every task has run.
  void finish_background() {
    const std::uint64_t posted = background_claim_.load(std::memory_order_relaxed);
    while (run_background_task()) {
    }
    wait_until_done(background_done_, Claim::num_tasks(posted));
    background_busy_.clear(std::memory_order_release);
  }

 private:
  // Waits for the tasks helpers have claimed and are still running.
  static void wait_until_done(const std::atomic<std::size_t>& done, std::size_t num_tasks) {
    for (int spins = 0; done.load(std::memory_order_acquire) != num_tasks; ++spins)
      if (spins < 4096)
        DESCENT_CPU_RELAX();
      else
        std::this_thread::yield();  // a helper running a claimed task was descheduled
  }

  // Claims and runs tasks of `generation` until none is left.
  void work(std::uint32_t generation) {
    std::uint64_t claim = claim_.load(std::memory_order_acquire);
    for (;;) {
      if (!Claim::of(claim, generation) || Claim::next(claim) >= Claim::num_tasks(claim)) return;
      if (!claim_.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel)) continue;
      task_(context_, Claim::next(claim));
      done_.fetch_add(1, std::memory_order_release);
      claim = claim_.load(std::memory_order_acquire);
    }
  }

  void grow(std::size_t helpers) {
    for (std::size_t i = helpers_.size(); i < helpers; ++i)
      helpers_.emplace_back([this, i] { help(i); });
  }

  void help(std::size_t index) {
    std::uint32_t seen = generation_.load(std::memory_order_acquire);
    while (!stop_.load(std::memory_order_relaxed)) {
      seen = wait_for_job(seen, index);
      if (index < helpers_wanted_.load(std::memory_order_relaxed)) work(seen);
    }
  }

  std::uint32_t wait_for_job(std::uint32_t seen, std::size_t index) {
    auto until = std::chrono::steady_clock::now() + kHelperSpin;
    for (int spins = 1;; ++spins) {
      const std::uint32_t generation = generation_.load(std::memory_order_acquire);
      if (generation != seen) return generation;
      if (index < background_helpers_.load(std::memory_order_relaxed) && run_background_task()) {
        until = std::chrono::steady_clock::now() + kHelperSpin;
        continue;
      }
      if (spins % 64) {
        DESCENT_CPU_RELAX();
      } else if (std::chrono::steady_clock::now() > until) {
        generation_.wait(seen, std::memory_order_acquire);
        spins = 0;
      }
    }
  }

  // Claims and runs one task of the background job; false when none is left.
  bool run_background_task() {
    std::uint64_t claim = background_claim_.load(std::memory_order_acquire);
    do {
      if (Claim::next(claim) >= Claim::num_tasks(claim)) return false;
    } while (!background_claim_.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel));
    background_task_(background_context_, Claim::next(claim));
    background_done_.fetch_add(1, std::memory_order_release);
    return true;
  }

  std::vector<std::thread> helpers_;
  std::atomic_flag busy_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> helpers_wanted_{0};
  std::atomic<std::uint32_t> generation_{0};
  alignas(64) std::atomic<std::uint64_t> claim_{0};
  alignas(64) std::atomic<std::size_t> done_{0};
  // The job's function, written before its claim word is published.
  void (*task_)(void*, std::size_t) = nullptr;
  void* context_ = nullptr;
  // The background job: claimed like a job (its own generation, task count and next task).
  std::atomic_flag background_busy_;
  std::uint32_t background_generation_ = 0;
  std::atomic<std::size_t> background_helpers_{0};
  alignas(64) std::atomic<std::uint64_t> background_claim_{0};
  alignas(64) std::atomic<std::size_t> background_done_{0};
  void (*background_task_)(void*, std::size_t) = nullptr;
  void* background_context_ = nullptr;
};

TaskTeam& team() {
  static TaskTeam team;
  return team;
}

}  // namespace

void run_tasks(std::size_t num_tasks, void (*task)(void*, std::size_t), void* context) {
  const auto threads = static_cast<std::size_t>(num_threads());
  const bool shared = threads > 1 && num_tasks > 1 && num_tasks <= Claim::kMaxTasks &&
                      team().try_run(num_tasks, task, context, std::min(threads, num_tasks) - 1);
  if (!shared)
    for (std::size_t i = 0; i < num_tasks; ++i) task(context, i);
}

bool post_background(std::size_t num_tasks, void (*task)(void*, std::size_t), void* context) {
  const auto threads = static_cast<std::size_t>(num_threads());
  return threads > 1 && num_tasks <= Claim::kMaxTasks &&
         team().try_post(num_tasks, task, context, threads - 1);
}

void finish_background() {
  team().finish_background();
}

}  // namespace descent::detail
