#pragma once
// The scheduler interfaces, with torch.optim.lr_scheduler's (1.13) semantics.
//
// Scheduler: anything that sets the learning rates of an optimizer's groups when stepped; call
// step() after optimizer.step() (once per batch or per epoch, as the schedule is counted), or
// step(metric) for the schedulers that need_metric() (ReduceLROnPlateau).
//
// LRScheduler: torch's _LRScheduler, the epoch-indexed schedulers. Construction performs the
// initial step (last_epoch -1 -> 0), records each group's initial lr (shared "initial_lr", see
// ParamGroups) as base_lrs and sets the lr for step 0. step() advances last_epoch and applies the
// recursive ("chainable") form, which reads the groups' current lr, so lrs changed by hand or by
// another scheduler carry on as in torch; step_to(epoch) is torch's step(epoch): it jumps and
// applies the closed form where torch has one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/sched/param_groups.hpp"

namespace descent::sched {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// The name sched::make knows it by ("cosine", "onecycle", ...).
  const std::string& name() const { return name_; }

  /// Advances the schedule by one step and sets the groups' lrs.
  virtual void step() = 0;
  /// Whether the scheduler is stepped with a metric (ReduceLROnPlateau) instead of step().
  virtual bool needs_metric() const { return false; }
  /// step(metric), for schedulers that need_metric(); the others throw UsageError.
  virtual void step(double metric);

  /// Starts the schedule over at its step 0: what a sequence does to a child at the child's
  /// milestone (see composite.hpp for each kind). The base throws UsageError.
  virtual void restart();

  /// The momentum field the scheduler cycles (CyclicLR, OneCycleLR), if any.
  virtual std::optional<MomentumField> cycled_momentum() const { return std::nullopt; }

  /// torch's get_last_lr(): the lrs set by the last step (or by construction).
  const std::vector<double>& last_lr() const { return last_lr_; }
  ParamGroups& groups() { return groups_; }

  /// Everything needed to resume: {"name": ..., state...}. load_state_dict() throws CheckpointError
  /// naming the first missing or mismatched entry.
  nlohmann::json state_dict() const;
  void load_state_dict(const nlohmann::json& state);

 protected:
  Scheduler(ParamGroups groups, std::string name)
      : groups_(std::move(groups)), name_(std::move(name)) {}
  virtual void save(nlohmann::json& state) const;
  virtual void load(const nlohmann::json& state);

  /// state[key] as V, or CheckpointError naming "scheduler.<key>".
  template <class V>
  V read(const nlohmann::json& state, const char* key) const;
  /// A per-group list state[key] of this optimizer's number of groups.
  std::vector<double> read_groups(const nlohmann::json& state, const char* key) const;

  ParamGroups groups_;
  std::vector<double> last_lr_;

 private:
  std::string name_;
};

class SequentialLR;

class LRScheduler : public Scheduler {
 public:
  void step() override;
  /// torch's step(epoch) (deprecated there): last_epoch = epoch, lrs from the closed form where the
  /// scheduler has one, else from the recursive form.
  virtual void step_to(std::int64_t epoch);
  /// In a sequence: torch's step(0), the closed form at epoch 0.
  void restart() override { step_to(0); }
  /// The initial step of construction again (last_epoch -1 -> 0, recursive form from the groups'
  /// current lrs): how a restarted chain begins its epoch-indexed children.
  void begin_again();

  std::int64_t last_epoch() const { return last_epoch_; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }

 protected:
  LRScheduler(ParamGroups groups, std::string name)
      : Scheduler(std::move(groups), std::move(name)) {}

  /// torch's _LRScheduler.__init__(last_epoch=-1): initial_lr = lr where not yet set, base_lrs =
  /// initial_lr, then the initial step. Derived constructors call it once their state is set.
  void start();
  /// Recursive (chainable) form: the lrs for last_epoch_, from the groups' current lrs.
  virtual std::vector<double> get_lr() = 0;
  /// Closed form lr(last_epoch); torch falls back to get_lr() where it has none.
  virtual std::vector<double> closed_form_lr() { return get_lr(); }
  /// Sets the groups' lrs and last_lr.
  void apply(const std::vector<double>& lrs);

  void save(nlohmann::json& state) const override;
  void load(const nlohmann::json& state) override;

  std::int64_t last_epoch_ = -1;
  std::vector<double> base_lrs_;

 private:
  friend class SequentialLR;  // rewinds its children as torch does
};

/// Python's a % b for b > 0 (result in [0, b)), as torch's formulas use it.
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  return ((a % b) + b) % b;
}

}  // namespace descent::sched
