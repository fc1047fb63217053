#pragma once
// Multiplicative decay schedulers, exactly as torch.optim.lr_scheduler (1.13). Each comment gives
// the closed form (what the lr is when only this scheduler sets it, t = last_epoch, lr0 = base_lr);
// step() applies torch's recursive form, which reads the current lr.
#include <map>

#include "descent/sched/scheduler.hpp"

namespace descent::sched {

struct StepLROptions {
  std::int64_t step_size = 1;  // period of the decay, >= 1 (torch: required)
  double gamma = 0.1;          // multiplicative factor
};

/// StepLR:  lr_t = lr0 * gamma^floor(t / step_size)
class StepLR : public LRScheduler {
 public:
  StepLR(ParamGroups groups, const StepLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;

 private:
  StepLROptions o_;
};

struct MultiStepLROptions {
  std::vector<std::int64_t> milestones;  // epochs at which to decay; repeats decay repeatedly
  double gamma = 0.1;
};

/// MultiStepLR:  lr_t = lr0 * gamma^(number of milestones <= t)
class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(ParamGroups groups, const MultiStepLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;

 private:
  std::map<std::int64_t, int> milestones_;  // torch's Counter: milestone -> multiplicity
  double gamma_;
};

struct ConstantLROptions {
  double factor = 1.0 / 3;       // in (0, 1]
  std::int64_t total_iters = 5;  // >= 1
};

/// ConstantLR:  lr_t = lr0 * factor for t < total_iters, lr0 after
class ConstantLR : public LRScheduler {
 public:
  ConstantLR(ParamGroups groups, const ConstantLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;

 private:
  ConstantLROptions o_;
};

struct LinearLROptions {
  double start_factor = 1.0 / 3;  // in (0, 1]
  double end_factor = 1.0;        // in [0, 1]
  std::int64_t total_iters = 5;   // >= 1
};

/// LinearLR:  lr_t = lr0 * (s + (e - s) * min(t, T) / T),  s, e = start/end factor, T = total_iters
class LinearLR : public LRScheduler {
 public:
  LinearLR(ParamGroups groups, const LinearLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;

 private:
  LinearLROptions o_;
};

struct ExponentialLROptions {
  double gamma = 1;  // multiplicative factor per epoch (torch: required)
};

/// ExponentialLR:  lr_t = lr0 * gamma^t
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(ParamGroups groups, const ExponentialLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;

 private:
  ExponentialLROptions o_;
};

struct PolynomialLROptions {
  std::int64_t total_iters = 5;  // >= 1
  double power = 1.0;
};

/// PolynomialLR:  lr_t = lr0 * (1 - min(t, T) / T)^power
class PolynomialLR : public LRScheduler {
 public:
  PolynomialLR(ParamGroups groups, const PolynomialLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;

 private:
  PolynomialLROptions o_;
};

}  // namespace descent::sched
