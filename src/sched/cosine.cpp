#include "descent/sched/cosine.hpp"

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

using std::numbers::pi;

CosineAnnealingLR::CosineAnnealingLR(ParamGroups groups, const CosineAnnealingLROptions& o)
    : LRScheduler(groups, "cosine"), o_(o) {
  options::validate(o, name());
  start();
}

std::vector<double> CosineAnnealingLR::get_lr() {
  std::vector<double> lrs = groups_.lrs();
  if (last_epoch_ == 0) return lrs;
  // torch's branch for a scheduler created with last_epoch > 0 is absent: descent resumes through
  // load_state_dict instead.
  const double T = double(o_.T_max);
  const double t = double(last_epoch_);
  if (floor_mod(last_epoch_ - 1 - o_.T_max, 2 * o_.T_max) == 0) {
    for (std::size_t g = 0; g < lrs.size(); ++g)
      lrs[g] = lrs[g] + (base_lrs_[g] - o_.eta_min) * (1 - std::cos(pi / T)) / 2;
    return lrs;
  }
  for (double& lr : lrs)
    lr = (1 + std::cos(pi * t / T)) / (1 + std::cos(pi * (t - 1) / T)) * (lr - o_.eta_min) +
         o_.eta_min;
  return lrs;
}

std::vector<double> CosineAnnealingLR::closed_form_lr() {
  std::vector<double> lrs(base_lrs_.size());
  const double T = double(o_.T_max);
  for (std::size_t g = 0; g < lrs.size(); ++g)
    lrs[g] =
        o_.eta_min + (base_lrs_[g] - o_.eta_min) * (1 + std::cos(pi * double(last_epoch_) / T)) / 2;
  return lrs;
}

CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(
    ParamGroups groups, const CosineAnnealingWarmRestartsOptions& o)
    : LRScheduler(groups, "cosine_warm_restarts"), o_(o), T_i_(o.T_0) {
  options::validate(o, name());
  start();
}

void CosineAnnealingWarmRestarts::step() {
  if (last_epoch_ < 0) return step_to(0.0);  // torch: the initial step is step(epoch=0)
  ++last_epoch_;
  T_cur_ = T_cur_ + 1;
  if (T_cur_ >= double(T_i_)) {
    T_cur_ = T_cur_ - double(T_i_);
    T_i_ = T_i_ * o_.T_mult;
  }
  apply(get_lr());
}

void CosineAnnealingWarmRestarts::step_to(double epoch) {
  if (!(epoch >= 0))
    throw UsageError(fmt::format("expected a non-negative epoch, got {}", epoch), name());
  const double T0 = double(o_.T_0);
  if (epoch >= T0) {
    if (o_.T_mult == 1) {
      T_cur_ = std::fmod(epoch, T0);
    } else {
      // n = number of completed periods: T_0 (T_mult^n - 1) / (T_mult - 1) <= epoch
      // (Python's math.log(x, base) = log(x) / log(base))
      const double m = double(o_.T_mult);
      const auto n = std::int64_t(std::log(epoch / T0 * (m - 1) + 1) / std::log(m));
      std::int64_t power = 1;
      for (std::int64_t i = 0; i < n; ++i) power *= o_.T_mult;
      T_cur_ = epoch - double(o_.T_0 * (power - 1)) / double(o_.T_mult - 1);
      T_i_ = o_.T_0 * power;
    }
  } else {
    T_i_ = o_.T_0;
    T_cur_ = epoch;
  }
  last_epoch_ = std::int64_t(std::floor(epoch));
  apply(get_lr());
}

std::vector<double> CosineAnnealingWarmRestarts::get_lr() {
  std::vector<double> lrs(base_lrs_.size());
  for (std::size_t g = 0; g < lrs.size(); ++g)
    lrs[g] =
        o_.eta_min + (base_lrs_[g] - o_.eta_min) * (1 + std::cos(pi * T_cur_ / double(T_i_))) / 2;
  return lrs;
}

void CosineAnnealingWarmRestarts::save(nlohmann::json& state) const {
  LRScheduler::save(state);
  state["T_cur"] = T_cur_;
  state["T_i"] = T_i_;
}

void CosineAnnealingWarmRestarts::load(const nlohmann::json& state) {
  LRScheduler::load(state);
  T_cur_ = read<double>(state, "T_cur");
  T_i_ = read<std::int64_t>(state, "T_i");
}

}  // namespace descent::sched
