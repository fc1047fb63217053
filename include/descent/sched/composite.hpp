#pragma once
// Schedulers made of schedulers, as torch.optim.lr_scheduler's SequentialLR and ChainedScheduler
// (1.13). Build the children first, in order, on the same ParamGroups (their constructors act on
// the optimizer, as torch's do), then hand them over.
//
// Any scheduler may be a child, including ReduceLROnPlateau and other compositions (torch refuses
// both). Where torch can express the composition (epoch-indexed children only), the numbers are
// torch's. Beyond torch:
// - A composite needs_metric() when any child does; step(metric) hands the metric to every child
//   that needs one (the others are stepped without it), step() is then a UsageError.
// - A child is restarted (Scheduler::restart) when its sequence reaches its milestone: an
//   epoch-indexed child as torch's step(0) (closed form at epoch 0); a plateau from the groups'
//   initial lr (lr0) with fresh counters (best, bad epochs, cooldown), so it starts counting at its
//   milestone and the metric handed over at the milestone (measured under the previous child) is
//   not counted; a sequence from lr0 at its own step 0; a chain from lr0 with every child begun
//   anew (epoch-indexed ones by their recursive initial step, as at construction).
// - A sequence whose first child is not epoch-indexed starts it by restart() at construction.
#include <memory>

#include "descent/sched/scheduler.hpp"

namespace descent::sched {

/// SequentialLR: child i runs from milestone i-1 (restarted there) until milestone i.
/// Construction resets every group's lr to its initial_lr, rewinds the epoch-indexed children by
/// one epoch and redoes child 0's initial step, as torch does.
class SequentialLR : public Scheduler {
 public:
  SequentialLR(ParamGroups groups, std::vector<std::unique_ptr<Scheduler>> schedulers,
               std::vector<std::int64_t> milestones, std::string name = "sequential");
  SequentialLR(ParamGroups groups, std::vector<std::unique_ptr<LRScheduler>> schedulers,
               std::vector<std::int64_t> milestones, std::string name = "sequential");

  void step() override;
  bool needs_metric() const override;
  void step(double metric) override;
  void restart() override;
  std::optional<MomentumField> cycled_momentum() const override;
  std::int64_t last_epoch() const { return last_epoch_; }

 protected:
  void save(nlohmann::json& state) const override;
  void load(const nlohmann::json& state) override;

 private:
  /// Advances one epoch; `metric` is null for step().
  void advance(const double* metric);

  std::vector<std::unique_ptr<Scheduler>> schedulers_;
  std::vector<std::int64_t> milestones_;
  std::int64_t last_epoch_ = 0;
};

/// ChainedScheduler: step() steps every child in order, so their (recursive) effects compose.
class ChainedScheduler : public Scheduler {
 public:
  explicit ChainedScheduler(std::vector<std::unique_ptr<Scheduler>> schedulers);

  void step() override;
  bool needs_metric() const override;
  void step(double metric) override;
  void restart() override;
  std::optional<MomentumField> cycled_momentum() const override;

 protected:
  void save(nlohmann::json& state) const override;
  void load(const nlohmann::json& state) override;

 private:
  std::vector<std::unique_ptr<Scheduler>> schedulers_;
};

}  // namespace descent::sched
