#pragma once
// The learning-rate range test (Smith 2017; the "LR finder"): sweep the lr from start_lr to end_lr
// over num_steps training steps, record the loss at each, smooth it, stop when it diverges, and
// suggest an lr. The component does no training itself: a training loop asks lr() for the next
// step's lr, runs the step at that lr and hands the loss to record().
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace descent::sched {

struct RangeTestOptions {
  double start_lr = 1e-7;
  double end_lr = 10;
  std::int64_t num_steps = 100;  // >= 2
  std::string mode = "exp";      // exp: geometric sweep; linear: arithmetic sweep
  double smoothing = 0.98;       // beta of the smoothed loss, in [0, 1); 0 = raw loss
  double diverge_factor = 4;     // stop when the smoothed or the raw loss > diverge_factor * best
                                 // smoothed loss
};

struct RangeTestSuggestion {
  double steepest;        // lr where the smoothed loss falls fastest (per unit of log lr)
  double min_loss_div10;  // lr at the smallest smoothed loss, divided by 10
  double valley;          // fastai's "valley": about halfway down the longest valley
  std::size_t steepest_index, min_index, valley_index;  // the recorded points they come from
};

class LRRangeTest {
 public:
  explicit LRRangeTest(const RangeTestOptions& options = {});

  /// The lr of step i = lrs().size():  exp: start * (end/start)^(i/(n-1));  linear: start +
  /// (end - start) * i/(n-1).
  double lr() const;
  /// Records the loss of the step run at lr(). The smoothed loss is the bias-corrected exponential
  /// average  a_i = beta a_{i-1} + (1 - beta) loss_i,  smoothed_i = a_i / (1 - beta^(i+1)).
  /// Returns whether to go on: false after num_steps, or once the loss diverged (the smoothed or
  /// the raw loss above diverge_factor times the best smoothed one, or a non-finite loss: the raw
  /// loss catches an explosion the lagging average would only show steps later).
  bool record(double loss);

  bool done() const { return done_; }
  bool diverged() const { return diverged_; }
  const std::vector<double>& lrs() const { return lrs_; }
  const std::vector<double>& losses() const { return losses_; }
  const std::vector<double>& smoothed() const { return smoothed_; }

  /// Suggested lrs from the smoothed curve (the diverging point left out): the steepest descent up
  /// to the minimum (the most negative central difference d smoothed / d ln(lr)), the minimum's lr
  /// / 10, and fastai's valley (fastai/callback/schedule.py, `valley`): on the curve without its
  /// first num_steps/10 and last 5 points, the longest strictly decreasing subsequence, ending at
  /// index e with length l, gives s = e - l and d = (e - s)/3; the suggestion is the point
  /// s + floor(d) + floor(d/2). None before 3 finite points are recorded.
  std::optional<RangeTestSuggestion> suggestion() const;

 private:
  /// The valley suggestion's index over the first n recorded points.
  std::size_t valley_index(std::size_t n) const;

  RangeTestOptions o_;
  std::vector<double> lrs_, losses_, smoothed_;
  double average_ = 0, best_ = 0;
  bool done_ = false, diverged_ = false;
};

}  // namespace descent::sched
