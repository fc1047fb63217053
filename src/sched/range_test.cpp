#include "descent/sched/range_test.hpp"

#include <algorithm>
#include <cmath>
#include <span>

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
  if (!std::isfinite(smooth) || !std::isfinite(loss) ||
      (i > 0 && (smooth > o_.diverge_factor * best_ || loss > o_.diverge_factor * best_))) {
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
  const std::size_t valley = valley_index(n);
  return RangeTestSuggestion{
      lrs_[steepest], lrs_[min_index] / 10, lrs_[valley], steepest, min_index, valley};
}

std::size_t LRRangeTest::valley_index(std::size_t n) const {
  // fastai leaves out the first tenth of the sweep (the loss has not moved yet) and the last 5
  // points (diverging); a short curve is used whole.
  std::size_t lo = static_cast<std::size_t>(o_.num_steps / 10);
  std::size_t hi = std::min(n, smoothed_.size() >= 5 ? smoothed_.size() - 5 : 0);
  if (hi < lo + 3) lo = 0, hi = n;
  const std::span<const double> y(smoothed_.data() + lo, hi - lo);
  // lds[i]: length of the longest strictly decreasing subsequence ending at i.
  std::vector<std::size_t> lds(y.size(), 1);
  std::size_t end = 0;
  for (std::size_t i = 1; i < y.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      if (y[i] < y[j]) lds[i] = std::max(lds[i], lds[j] + 1);
    if (lds[i] > lds[end]) end = i;
  }
  // As fastai: the valley starts lds[end] points before its end (an index, not the subsequence's
  // first element), so it can start before the curve; the suggestion is then clamped to it.
  const double start = static_cast<double>(end) - static_cast<double>(lds[end]);
  const double third = (static_cast<double>(end) - start) / 3;
  const double index = start + std::floor(third) + std::floor(third / 2);
  return lo + static_cast<std::size_t>(std::clamp(index, 0.0, static_cast<double>(end)));
}

}  // namespace descent::sched
