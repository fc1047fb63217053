#pragma once
// Cyclical schedules with momentum cycled inversely to the lr: CyclicLR (Smith 2017, "Cyclical
// Learning Rates") and OneCycleLR (Smith & Topin 2017, "Super-Convergence"), exactly as
// torch.optim.lr_scheduler (1.13). Both are stepped after every batch.
#include <functional>
#include <optional>
#include <string>

#include "descent/core/options.hpp"
#include "descent/sched/scheduler.hpp"

namespace descent::sched {

struct CyclicLROptions {
  std::vector<double> base_lr;
  std::vector<double> max_lr;
  double step_size_up = 2000;
  std::optional<double> step_size_down;
  std::string mode = "triangular";
  double gamma = 1.0;
  /// Custom amplitude scale (replaces mode), of the cycle number or of the iteration; typed API
  /// only (a function is not a JSON value).
  std::function<double(double)> scale_fn;
  std::string scale_mode = "cycle";  // cycle | iterations; used with scale_fn only
  bool cycle_momentum = true;
  std::vector<double> base_momentum{0.8};
  std::vector<double> max_momentum{0.9};

  template <class V>
  void visit(V&& v) {
    v("base_lr", base_lr, "lower lr bound: one value, or one per group", options::required);
    v("max_lr", max_lr, "upper lr bound: one value, or one per group", options::required);
    v("step_size_up", step_size_up, "steps in the rising half of a cycle", options::above(0));
    v("step_size_down", step_size_down, "steps in the falling half; default step_size_up",
      options::at_least(0));
    v("mode", mode,
      "amplitude scale per cycle: triangular 1, triangular2 1/2^(cycle-1), "
      "exp_range gamma^t",
      options::one_of({"triangular", "triangular2", "exp_range"}));
    v("gamma", gamma, "exp_range: scale = gamma^iteration");
    v("cycle_momentum", cycle_momentum,
      "cycle momentum inversely to the lr (needs an optimizer with 'momentum')");
    v("base_momentum", base_momentum, "lower momentum bound: one value, or one per group");
    v("max_momentum", max_momentum, "upper momentum bound: one value, or one per group");
  }
};

// clang-format off
/// CyclicLR, with T = step_size_up + step_size_down, r = step_size_up / T:
///   cycle = floor(1 + t/T),  x = 1 + t/T - cycle,  s = x <= r ? x/r : (x-1)/(r-1)
///   lr       = base_lr + (max_lr - base_lr) * s * scale
///   momentum = max_m - (max_m - base_m) * s * scale
///   scale: triangular 1, triangular2 1/2^(cycle-1), exp_range gamma^t.
// clang-format on
class CyclicLR : public LRScheduler {
 public:
  CyclicLR(ParamGroups groups, const CyclicLROptions& options);
  std::optional<MomentumField> cycled_momentum() const override;

 protected:
  std::vector<double> get_lr() override;

 private:
  double scale(double cycle) const;

  CyclicLROptions o_;
  std::vector<double> max_lrs_, base_momentums_, max_momentums_;
  double total_size_, step_ratio_;
  bool scale_by_cycle_;
};

struct OneCycleLROptions {
  std::vector<double> max_lr;
  std::optional<std::int64_t> total_steps;
  std::optional<std::int64_t> epochs;
  std::optional<std::int64_t> steps_per_epoch;
  double pct_start = 0.3;
  std::string anneal_strategy = "cos";
  bool cycle_momentum = true;
  std::vector<double> base_momentum{0.85};
  std::vector<double> max_momentum{0.95};
  double div_factor = 25.;
  double final_div_factor = 1e4;
  bool three_phase = false;

  template <class V>
  void visit(V&& v) {
    v("max_lr", max_lr, "peak lr: one value, or one per group", options::required);
    v("total_steps", total_steps, "steps of the cycle (or epochs * steps_per_epoch)",
      options::at_least(1));
    v("epochs", epochs, "with steps_per_epoch, instead of total_steps", options::at_least(1));
    v("steps_per_epoch", steps_per_epoch, "with epochs, instead of total_steps",
      options::at_least(1));
    v("pct_start", pct_start, "fraction of the steps spent rising", options::closed(0, 1));
    v("anneal_strategy", anneal_strategy, "cos | linear", options::one_of({"cos", "linear"}));
    v("cycle_momentum", cycle_momentum,
      "cycle SGD's momentum, or beta1 for optimizers with betas, inversely to the lr");
    v("base_momentum", base_momentum, "lower momentum bound: one value, or one per group");
    v("max_momentum", max_momentum, "upper momentum bound: one value, or one per group");
    v("div_factor", div_factor, "initial_lr = max_lr / div_factor");
    v("final_div_factor", final_div_factor, "min_lr = initial_lr / final_div_factor");
    v("three_phase", three_phase, "rise, fall back to initial_lr, then anneal to min_lr");
  }
  /// total_steps, or epochs and steps_per_epoch.
  void check(const std::string& where) const;
};

/// OneCycleLR: the lr is annealed (cos: end + (start-end)/2 * (1 + cos(pi p)); linear:
/// start + (end-start) p, p the fraction of the phase done) through the phases
///   two-phase:   initial_lr -> max_lr over pct_start*N - 1 steps, then -> min_lr at step N-1;
///   three-phase: initial_lr -> max_lr -> initial_lr (symmetric), then -> min_lr at step N-1;
/// momentum goes max -> base -> max inversely. Stepping past total_steps is a ConfigError.
class OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(ParamGroups groups, const OneCycleLROptions& options);
  std::optional<MomentumField> cycled_momentum() const override;
  std::int64_t total_steps() const { return total_steps_; }

 protected:
  std::vector<double> get_lr() override;

 private:
  enum Level { initial, peak, low, max_m, base_m };
  struct Phase {
    double end_step;
    Level start_lr, end_lr, start_momentum, end_momentum;
  };
  double anneal(double start, double end, double pct) const;
  double level(std::size_t g, Level which) const;

  OneCycleLROptions o_;
  std::int64_t total_steps_;
  std::vector<Phase> phases_;
  std::vector<double> max_lrs_, min_lrs_, max_momentums_, base_momentums_;
  std::optional<MomentumField> momentum_;
};

}  // namespace descent::sched
