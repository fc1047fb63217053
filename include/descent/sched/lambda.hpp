#pragma once
// Schedulers driven by a C++ callable of the epoch, as torch's LambdaLR and MultiplicativeLR.
// One callable for every group, or one per group.
#include <functional>

#include "descent/sched/scheduler.hpp"

namespace descent::sched {

/// Factor of the epoch t (t = last_epoch, from 0).
using Factor = std::function<double(std::int64_t)>;

/// torch.optim.lr_scheduler.LambdaLR:  lr_t = base_lr * f(t)
class LambdaLR : public LRScheduler {
 public:
  LambdaLR(ParamGroups groups, Factor f, std::string name = "lambda");
  LambdaLR(ParamGroups groups, std::vector<Factor> per_group, std::string name = "lambda");

 protected:
  std::vector<double> get_lr() override;

 private:
  std::vector<Factor> factors_;
};

/// torch.optim.lr_scheduler.MultiplicativeLR:  lr_t = lr_{t-1} * f(t) for t > 0
class MultiplicativeLR : public LRScheduler {
 public:
  MultiplicativeLR(ParamGroups groups, Factor f);
  MultiplicativeLR(ParamGroups groups, std::vector<Factor> per_group);

 protected:
  std::vector<double> get_lr() override;

 private:
  std::vector<Factor> factors_;
};

}  // namespace descent::sched
