#pragma once
// ReduceLROnPlateau, exactly as torch.optim.lr_scheduler (1.13): fed a metric (e.g. validation
// loss) each epoch with step(metric); after more than `patience` epochs without improvement the lr
// of every group becomes max(lr * factor, min_lr), then `cooldown` epochs are ignored.
#include <string>

#include "descent/core/options.hpp"
#include "descent/sched/scheduler.hpp"

namespace descent::sched {

struct ReduceLROnPlateauOptions {
  std::string mode = "min";
  double factor = 0.1;
  std::int64_t patience = 10;
  double threshold = 1e-4;
  std::string threshold_mode = "rel";
  std::int64_t cooldown = 0;
  std::vector<double> min_lr{0};
  double eps = 1e-8;

  template <class V>
  void visit(V&& v) {
    v("mode", mode, "min: lower is better; max: higher is better", options::one_of({"min", "max"}));
    v("factor", factor, "new_lr = lr * factor", options::half_open(0, 1));
    v("patience", patience, "bad epochs tolerated before reducing", options::at_least(0));
    v("threshold", threshold, "what counts as an improvement (see is_better)");
    v("threshold_mode", threshold_mode, "rel | abs", options::one_of({"rel", "abs"}));
    v("cooldown", cooldown, "epochs to wait after a reduction", options::at_least(0));
    v("min_lr", min_lr, "lower bound: one value, or one per group");
    v("eps", eps, "reductions smaller than eps are skipped");
  }
};

class ReduceLROnPlateau : public Scheduler {
 public:
  ReduceLROnPlateau(ParamGroups groups, const ReduceLROnPlateauOptions& options = {});

  bool needs_metric() const override { return true; }
  /// Throws UsageError: the plateau scheduler is stepped with a metric.
  void step() override;
  void step(double metric) override;
  /// In a sequence, at its milestone: every group's lr back to its initial_lr (lr0), the counters
  /// (best, bad epochs, cooldown, last_epoch) as when built.
  void restart() override;

  /// Whether `a` improves on `best`:  min/rel: a < best (1 - threshold);  min/abs: a < best -
  /// threshold; max/rel: a > best (1 + threshold);  max/abs: a > best + threshold.
  bool is_better(double a, double best) const;
  double best() const { return best_; }
  std::int64_t num_bad_epochs() const { return num_bad_epochs_; }
  std::int64_t last_epoch() const { return last_epoch_; }

 protected:
  void save(nlohmann::json& state) const override;
  void load(const nlohmann::json& state) override;

 private:
  /// The worse value for the mode (+inf for min, -inf for max): best before any metric.
  double worst() const;

  ReduceLROnPlateauOptions o_;
  std::vector<double> min_lrs_;
  double best_;
  std::int64_t num_bad_epochs_ = 0, cooldown_counter_ = 0, last_epoch_ = 0;
};

}  // namespace descent::sched
