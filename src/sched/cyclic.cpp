#include "descent/sched/cyclic.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

namespace {

/// One value for every group, or one per group (torch's _format_param).
std::vector<double> per_group(const std::vector<double>& values, std::size_t groups,
                              const std::string& where) {
  if (values.size() == 1) return std::vector<double>(groups, values[0]);
  if (values.size() != groups)
    throw ConfigError(fmt::format("expected 1 or {} values (one per parameter group), got {}",
                                  groups, values.size()),
                      where);
  return values;
}

}  // namespace

CyclicLR::CyclicLR(ParamGroups groups, const CyclicLROptions& o)
    : LRScheduler(groups, "cyclic"), o_(o) {
  options::validate(o, name());
  const std::size_t n = groups_.size();
  const std::vector<double> base_lrs = per_group(o.base_lr, n, "cyclic.base_lr");
  for (std::size_t g = 0; g < n; ++g) groups_.set_lr(g, base_lrs[g]);
  max_lrs_ = per_group(o.max_lr, n, "cyclic.max_lr");

  const double down = o.step_size_down.value_or(o.step_size_up);
  total_size_ = o.step_size_up + down;
  step_ratio_ = o.step_size_up / total_size_;

  if (o.scale_fn) {
    if (o.scale_mode != "cycle" && o.scale_mode != "iterations")
      throw ConfigError(fmt::format("unknown scale_mode '{}'", o.scale_mode), "cyclic.scale_mode",
                        "valid: cycle, iterations");
    scale_by_cycle_ = o.scale_mode == "cycle";
  } else {
    scale_by_cycle_ = o.mode != "exp_range";  // triangular, triangular2: scaled per cycle
  }

  if (o.cycle_momentum) {
    if (!groups_.has_option("momentum"))
      throw ConfigError(
          "cycle_momentum needs an optimizer with a 'momentum' option", "cyclic.cycle_momentum",
          "set cycle_momentum to false (torch 1.13's CyclicLR does not cycle Adam's betas)");
    const std::vector<double> base_m = per_group(o.base_momentum, n, "cyclic.base_momentum");
    for (std::size_t g = 0; g < n; ++g) groups_.set_momentum(g, MomentumField::momentum, base_m[g]);
    base_momentums_.resize(n);
    for (std::size_t g = 0; g < n; ++g)
      base_momentums_[g] = groups_.momentum(g, MomentumField::momentum);
    max_momentums_ = per_group(o.max_momentum, n, "cyclic.max_momentum");
  }
  start();
  base_lrs_ = base_lrs;  // torch sets base_lrs after the initial step, which used initial_lr
}

std::optional<MomentumField> CyclicLR::cycled_momentum() const {
  if (!o_.cycle_momentum) return std::nullopt;
  return MomentumField::momentum;
}

double CyclicLR::scale(double x) const {
  if (o_.scale_fn) return o_.scale_fn(x);
  if (o_.mode == "triangular") return 1.;
  if (o_.mode == "triangular2") return 1 / std::pow(2., x - 1);  // halves every cycle
  return std::pow(o_.gamma, x);                                  // exp_range
}

std::vector<double> CyclicLR::get_lr() {
  const double t = double(last_epoch_);
  const double cycle = std::floor(1 + t / total_size_);
  const double x = 1. + t / total_size_ - cycle;
  const double s = x <= step_ratio_ ? x / step_ratio_ : (x - 1) / (step_ratio_ - 1);
  const double amplitude = scale(scale_by_cycle_ ? cycle : t);

  std::vector<double> lrs(base_lrs_.size());
  for (std::size_t g = 0; g < lrs.size(); ++g)
    lrs[g] = base_lrs_[g] + (max_lrs_[g] - base_lrs_[g]) * s * amplitude;
  if (o_.cycle_momentum)
    for (std::size_t g = 0; g < lrs.size(); ++g)
      groups_.set_momentum(
          g, MomentumField::momentum,
          max_momentums_[g] - (max_momentums_[g] - base_momentums_[g]) * s * amplitude);
  return lrs;
}

void OneCycleLROptions::check(const std::string& where) const {
  if (!total_steps && !(epochs && steps_per_epoch))
    throw ConfigError("onecycle needs total_steps, or epochs and steps_per_epoch",
                      where + ".total_steps",
                      "e.g. {\"name\": \"onecycle\", \"max_lr\": 0.1, "
                      "\"total_steps\": 1000}");
}

OneCycleLR::OneCycleLR(ParamGroups groups, const OneCycleLROptions& o)
    : LRScheduler(groups, "onecycle"), o_(o) {
  options::validate(o, name());
  total_steps_ = o.total_steps ? *o.total_steps : *o.epochs * *o.steps_per_epoch;

  const double N = double(total_steps_);
  if (o.three_phase)
    phases_ = {{o.pct_start * N - 1, initial, peak, max_m, base_m},
               {2 * o.pct_start * N - 2, peak, initial, base_m, max_m},
               {N - 1, initial, low, max_m, max_m}};
  else
    phases_ = {{o.pct_start * N - 1, initial, peak, max_m, base_m},
               {N - 1, peak, low, base_m, max_m}};

  const std::size_t n = groups_.size();
  max_lrs_ = per_group(o.max_lr, n, "onecycle.max_lr");
  min_lrs_.resize(n);
  for (std::size_t g = 0; g < n; ++g) {
    groups_.set_initial_lr(g, max_lrs_[g] / o.div_factor);
    min_lrs_[g] = *groups_.initial_lr(g) / o.final_div_factor;
  }

  if (o.cycle_momentum) {
    if (groups_.has_option("betas"))
      momentum_ = MomentumField::beta1;
    else if (groups_.has_option("momentum"))
      momentum_ = MomentumField::momentum;
    else
      throw ConfigError("cycle_momentum needs an optimizer with 'momentum' or 'betas'",
                        "onecycle.cycle_momentum", "set cycle_momentum to false");
    max_momentums_ = per_group(o.max_momentum, n, "onecycle.max_momentum");
    base_momentums_ = per_group(o.base_momentum, n, "onecycle.base_momentum");
    for (std::size_t g = 0; g < n; ++g) groups_.set_momentum(g, *momentum_, max_momentums_[g]);
  }
  start();
}

std::optional<MomentumField> OneCycleLR::cycled_momentum() const {
  return momentum_;
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (o_.anneal_strategy == "cos")
    return end + (start - end) / 2.0 * (std::cos(std::numbers::pi * pct) + 1);
  return (end - start) * pct + start;
}

double OneCycleLR::level(std::size_t g, Level which) const {
  switch (which) {
    case initial:
      return *groups_.initial_lr(g);
    case peak:
      return max_lrs_[g];
    case low:
      return min_lrs_[g];
    case max_m:
      return max_momentums_[g];
    case base_m:
      return base_momentums_[g];
  }
  return 0;
}

std::vector<double> OneCycleLR::get_lr() {
  if (last_epoch_ > total_steps_)
    throw ConfigError(fmt::format("onecycle stepped {} times, but total_steps is {}",
                                  last_epoch_ + 1, total_steps_),
                      "onecycle.total_steps", "set total_steps to the number of optimizer steps");
  const double t = double(last_epoch_);
  std::vector<double> lrs(groups_.size());
  for (std::size_t g = 0; g < lrs.size(); ++g) {
    double start_step = 0;
    for (std::size_t i = 0; i < phases_.size(); ++i) {
      const Phase& phase = phases_[i];
      if (t <= phase.end_step || i + 1 == phases_.size()) {
        if (phase.end_step == start_step)
          throw ConfigError(
              fmt::format("a phase of zero steps at step {} (total_steps {}, pct_start {})",
                          last_epoch_, total_steps_, o_.pct_start),
              "onecycle.pct_start", "change pct_start or total_steps");
        const double pct = (t - start_step) / (phase.end_step - start_step);
        lrs[g] = anneal(level(g, phase.start_lr), level(g, phase.end_lr), pct);
        if (momentum_)
          groups_.set_momentum(
              g, *momentum_,
              anneal(level(g, phase.start_momentum), level(g, phase.end_momentum), pct));
        break;
      }
      start_step = phase.end_step;
    }
  }
  return lrs;
}

}  // namespace descent::sched
