#include "descent/sched/decay.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

namespace {

void require(bool ok, const char* scheduler, const char* key, const std::string& message) {
  if (!ok) throw ConfigError(message, fmt::format("{}.{}", scheduler, key));
}

/// Every group's current lr times `factor`.
std::vector<double> scaled(const ParamGroups& groups, double factor) {
  std::vector<double> lrs = groups.lrs();
  for (double& lr : lrs) lr = lr * factor;
  return lrs;
}

/// Every base lr times `factor`.
std::vector<double> scaled(std::vector<double> base_lrs, double factor) {
  for (double& lr : base_lrs) lr = lr * factor;
  return base_lrs;
}

}  // namespace

StepLR::StepLR(ParamGroups groups, const StepLROptions& o) : LRScheduler(groups, "step"), o_(o) {
  require(o.step_size >= 1, "step", "step_size",
          fmt::format("expected step_size >= 1, got {}", o.step_size));
  require(o.gamma >= 0, "step", "gamma", fmt::format("expected gamma >= 0, got {}", o.gamma));
  start();
}

std::vector<double> StepLR::get_lr() {
  if (last_epoch_ == 0 || last_epoch_ % o_.step_size != 0) return groups_.lrs();
  return scaled(groups_, o_.gamma);
}

std::vector<double> StepLR::closed_form_lr() {
  return scaled(base_lrs_, std::pow(o_.gamma, double(last_epoch_ / o_.step_size)));
}

MultiStepLR::MultiStepLR(ParamGroups groups, const MultiStepLROptions& o)
    : LRScheduler(groups, "multistep"), gamma_(o.gamma) {
  for (std::int64_t m : o.milestones) {
    require(m >= 0, "multistep", "milestones", fmt::format("expected milestones >= 0, got {}", m));
    ++milestones_[m];
  }
  require(std::is_sorted(o.milestones.begin(), o.milestones.end()), "multistep", "milestones",
          "milestones must be increasing");
  require(o.gamma >= 0, "multistep", "gamma", fmt::format("expected gamma >= 0, got {}", o.gamma));
  start();
}

std::vector<double> MultiStepLR::get_lr() {
  auto it = milestones_.find(last_epoch_);
  if (it == milestones_.end()) return groups_.lrs();
  return scaled(groups_, std::pow(gamma_, double(it->second)));
}

std::vector<double> MultiStepLR::closed_form_lr() {
  int passed = 0;  // bisect_right(sorted milestones, t)
  for (const auto& [m, count] : milestones_)
    if (m <= last_epoch_) passed += count;
  return scaled(base_lrs_, std::pow(gamma_, double(passed)));
}

ConstantLR::ConstantLR(ParamGroups groups, const ConstantLROptions& o)
    : LRScheduler(groups, "constant"), o_(o) {
  require(o.factor > 0 && o.factor <= 1, "constant", "factor",
          fmt::format("expected a factor in (0, 1], got {}", o.factor));
  require(o.total_iters >= 1, "constant", "total_iters",
          fmt::format("expected total_iters >= 1, got {}", o.total_iters));
  start();
}

std::vector<double> ConstantLR::get_lr() {
  if (last_epoch_ == 0) return scaled(groups_, o_.factor);
  if (last_epoch_ != o_.total_iters) return groups_.lrs();
  return scaled(groups_, 1.0 / o_.factor);
}

std::vector<double> ConstantLR::closed_form_lr() {
  return scaled(base_lrs_, o_.factor + (last_epoch_ >= o_.total_iters ? 1 - o_.factor : 0.0));
}

LinearLR::LinearLR(ParamGroups groups, const LinearLROptions& o)
    : LRScheduler(groups, "linear"), o_(o) {
  require(o.start_factor > 0 && o.start_factor <= 1, "linear", "start_factor",
          fmt::format("expected a start_factor in (0, 1], got {}", o.start_factor));
  require(o.end_factor >= 0 && o.end_factor <= 1, "linear", "end_factor",
          fmt::format("expected an end_factor in [0, 1], got {}", o.end_factor));
  require(o.total_iters >= 1, "linear", "total_iters",
          fmt::format("expected total_iters >= 1, got {}", o.total_iters));
  start();
}

std::vector<double> LinearLR::get_lr() {
  if (last_epoch_ == 0) return scaled(groups_, o_.start_factor);
  if (last_epoch_ > o_.total_iters) return groups_.lrs();
  // lr_t = lr_{t-1} * (1 + (e - s) / (T*s + (t-1)*(e - s)))
  const double delta = o_.end_factor - o_.start_factor;
  return scaled(groups_, 1. + delta / (double(o_.total_iters) * o_.start_factor +
                                       double(last_epoch_ - 1) * delta));
}

std::vector<double> LinearLR::closed_form_lr() {
  const double delta = o_.end_factor - o_.start_factor;
  return scaled(base_lrs_, o_.start_factor + delta * double(std::min(o_.total_iters, last_epoch_)) /
                                                 double(o_.total_iters));
}

ExponentialLR::ExponentialLR(ParamGroups groups, const ExponentialLROptions& o)
    : LRScheduler(groups, "exponential"), o_(o) {
  require(o.gamma >= 0, "exponential", "gamma",
          fmt::format("expected gamma >= 0, got {}", o.gamma));
  start();
}

std::vector<double> ExponentialLR::get_lr() {
  if (last_epoch_ == 0) return groups_.lrs();
  return scaled(groups_, o_.gamma);
}

std::vector<double> ExponentialLR::closed_form_lr() {
  return scaled(base_lrs_, std::pow(o_.gamma, double(last_epoch_)));
}

PolynomialLR::PolynomialLR(ParamGroups groups, const PolynomialLROptions& o)
    : LRScheduler(groups, "polynomial"), o_(o) {
  require(o.total_iters >= 1, "polynomial", "total_iters",
          fmt::format("expected total_iters >= 1, got {}", o.total_iters));
  start();
}

std::vector<double> PolynomialLR::get_lr() {
  if (last_epoch_ == 0 || last_epoch_ > o_.total_iters) return groups_.lrs();
  // lr_t = lr_{t-1} * ((1 - t/T) / (1 - (t-1)/T))^power
  const double T = double(o_.total_iters);
  return scaled(
      groups_,
      std::pow((1.0 - double(last_epoch_) / T) / (1.0 - double(last_epoch_ - 1) / T), o_.power));
}

std::vector<double> PolynomialLR::closed_form_lr() {
  const double T = double(o_.total_iters);
  return scaled(base_lrs_,
                std::pow(1.0 - double(std::min(o_.total_iters, last_epoch_)) / T, o_.power));
}

}  // namespace descent::sched
