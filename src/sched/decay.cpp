#include "descent/sched/decay.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

namespace {

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

void MultiStepLROptions::check(const std::string& where) const {
  if (!std::is_sorted(milestones.begin(), milestones.end()))
    throw ConfigError("milestones must be increasing", where + ".milestones");
}

StepLR::StepLR(ParamGroups groups, const StepLROptions& o) : LRScheduler(groups, "step"), o_(o) {
  options::validate(o, name());
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
  options::validate(o, name());
  for (std::int64_t m : o.milestones) ++milestones_[m];
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
  options::validate(o, name());
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
  options::validate(o, name());
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
  options::validate(o, name());
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
  options::validate(o, name());
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
