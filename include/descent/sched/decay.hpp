#pragma once
// Multiplicative decay schedulers, exactly as torch.optim.lr_scheduler (1.13). Each comment gives
// the closed form (what the lr is when only this scheduler sets it, t = last_epoch, lr0 = base_lr);
// step() applies torch's recursive form, which reads the current lr.
#include <map>
#include <string>

#include "descent/core/options.hpp"

#include "descent/sched/scheduler.hpp"

namespace descent::sched {

struct StepLROptions {
  std::int64_t step_size = 1;
  double gamma = 0.1;

  template <class V>
  void visit(V&& v) {
    v("step_size", step_size, "period of the decay", options::required, options::at_least(1));
    v("gamma", gamma, "multiplicative factor", options::at_least(0));
  }
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
  std::vector<std::int64_t> milestones;
  double gamma = 0.1;

  template <class V>
  void visit(V&& v) {
    v("milestones", milestones, "increasing epochs at which to decay; a repeat decays again",
      options::required, options::at_least(0));
    v("gamma", gamma, "multiplicative factor", options::at_least(0));
  }
  void check(const std::string& where) const;
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
  double factor = 1.0 / 3;
  std::int64_t total_iters = 5;

  template <class V>
  void visit(V&& v) {
    v("factor", factor, "lr0 is multiplied by factor until total_iters", options::left_open(0, 1));
    v("total_iters", total_iters, "steps at the reduced lr", options::at_least(1));
  }
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
  double start_factor = 1.0 / 3;
  double end_factor = 1.0;
  std::int64_t total_iters = 5;

  template <class V>
  void visit(V&& v) {
    v("start_factor", start_factor, "factor of lr0 at step 0", options::left_open(0, 1));
    v("end_factor", end_factor, "factor of lr0 from total_iters on", options::closed(0, 1));
    v("total_iters", total_iters, "steps of the linear change", options::at_least(1));
  }
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
  double gamma = 1;

  template <class V>
  void visit(V&& v) {
    v("gamma", gamma, "multiplicative factor per step", options::required, options::at_least(0));
  }
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
  std::int64_t total_iters = 5;
  double power = 1.0;

  template <class V>
  void visit(V&& v) {
    v("total_iters", total_iters, "steps until the lr reaches 0", options::at_least(1));
    v("power", power, "power of the polynomial");
  }
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
