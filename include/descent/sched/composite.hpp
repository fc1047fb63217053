#pragma once
// Schedulers made of schedulers, as torch.optim.lr_scheduler's SequentialLR and ChainedScheduler
// (1.13). Build the children first, in order, on the same ParamGroups (their constructors act on
// the optimizer, as torch's do), then hand them over.
#include <memory>

#include "descent/sched/scheduler.hpp"

namespace descent::sched {

/// SequentialLR: child i runs from milestone i-1 (restarted there with its closed form at epoch 0)
/// until milestone i. Construction resets every group's lr to its initial_lr, rewinds the children
/// by one epoch and redoes child 0's initial step, as torch does.
class SequentialLR : public Scheduler {
 public:
  SequentialLR(ParamGroups groups, std::vector<std::unique_ptr<LRScheduler>> schedulers,
               std::vector<std::int64_t> milestones, std::string name = "sequential");

  void step() override;
  std::optional<MomentumField> cycled_momentum() const override;
  std::int64_t last_epoch() const { return last_epoch_; }

 protected:
  void save(nlohmann::json& state) const override;
  void load(const nlohmann::json& state) override;

 private:
  std::vector<std::unique_ptr<LRScheduler>> schedulers_;
  std::vector<std::int64_t> milestones_;
  std::int64_t last_epoch_ = 0;
};

/// ChainedScheduler: step() steps every child in order, so their (recursive) effects compose.
class ChainedScheduler : public Scheduler {
 public:
  explicit ChainedScheduler(std::vector<std::unique_ptr<Scheduler>> schedulers);

  void step() override;
  std::optional<MomentumField> cycled_momentum() const override;

 protected:
  void save(nlohmann::json& state) const override;
  void load(const nlohmann::json& state) override;

 private:
  std::vector<std::unique_ptr<Scheduler>> schedulers_;
};

}  // namespace descent::sched
