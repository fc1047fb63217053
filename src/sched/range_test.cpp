#include "descent/sched/range_test.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

LRRangeTest::LRRangeTest(const RangeTestOptions& o) : o_(o) {
  if (!(o.start_lr > 0 && o.end_lr > o.start_lr))
    throw ConfigError(
        fmt::format("expected 0 < start_lr < end_lr, got {} and {}", o.start_lr, o.end_lr),
        "range_test.start_lr");
  if (o.num_steps < 2)
    throw ConfigError(fmt::format("expected num_steps >= 2, got {}", o.num_steps),
                      "range_test.num_steps");
  if (o.mode != "exp" && o.mode != "linear")
    throw ConfigError(fmt::format("unknown mode '{}'", o.mode), "range_test.mode",
                      "valid: exp, linear");
  if (!(o.smoothing >= 0 && o.smoothing < 1))
    throw ConfigError(fmt::format("expected smoothing in [0, 1), got {}", o.smoothing),
                      "range_test.smoothing");
  if (!(o.diverge_factor > 1))
    throw ConfigError(fmt::format("expected diverge_factor > 1, got {}", o.diverge_factor),
                      "range_test.diverge_factor");
}

double LRRangeTest::lr() const {
  const double p = double(lrs_.size()) / double(o_.num_steps - 1);
  if (o_.mode == "exp") return o_.start_lr * std::pow(o_.end_lr / o_.start_lr, p);
  return o_.start_lr + (o_.end_lr - o_.start_lr) * p;
}

bool LRRangeTest::record(double loss) {
  if (done_) throw UsageError("the range test is over", "range_test", "check done() before a step");
  const std::size_t i = lrs_.size();
  lrs_.push_back(lr());
  losses_.push_back(loss);
  average_ = o_.smoothing * average_ + (1 - o_.smoothing) * loss;
  const double smooth = average_ / (1 - std::pow(o_.smoothing, double(i + 1)));
  smoothed_.push_back(smooth);
  if (!std::isfinite(smooth) || (i > 0 && smooth > o_.diverge_factor * best_)) {
    diverged_ = done_ = true;
    return false;
  }
  if (i == 0 || smooth < best_) best_ = smooth;
  done_ = std::int64_t(lrs_.size()) >= o_.num_steps;
  return !done_;
}

std::optional<RangeTestSuggestion> LRRangeTest::suggestion() const {
  // the diverging point, if any, is left out
  const std::size_t n = diverged_ ? smoothed_.size() - 1 : smoothed_.size();
  if (n < 3) return std::nullopt;
  const std::size_t min_index =
      std::size_t(std::min_element(smoothed_.begin(), smoothed_.begin() + std::ptrdiff_t(n)) -
                  smoothed_.begin());
  const std::size_t last =
      std::max<std::size_t>(min_index, 2);  // at least 3 points to differentiate
  std::size_t steepest = 0;
  double best_slope = INFINITY;
  for (std::size_t i = 0; i <= last; ++i) {
    const std::size_t a = i == 0 ? 0 : i - 1, b = i == last ? last : i + 1;
    const double slope = (smoothed_[b] - smoothed_[a]) / (std::log(lrs_[b]) - std::log(lrs_[a]));
    if (slope < best_slope) best_slope = slope, steepest = i;
  }
  return RangeTestSuggestion{lrs_[steepest], lrs_[min_index] / 10, steepest, min_index};
}

}  // namespace descent::sched
