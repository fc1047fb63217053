#include "descent/sched/plateau.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

ReduceLROnPlateau::ReduceLROnPlateau(ParamGroups groups, const ReduceLROnPlateauOptions& o)
    : Scheduler(groups, "plateau"), o_(o) {
  options::validate(o, name());
  if (o.min_lr.size() == 1)
    min_lrs_.assign(groups_.size(), o.min_lr[0]);
  else if (o.min_lr.size() == groups_.size())
    min_lrs_ = o.min_lr;
  else
    throw ConfigError(fmt::format("expected {} min_lrs, got {}", groups_.size(), o.min_lr.size()),
                      "plateau.min_lr");
  last_lr_ = groups_.lrs();  // torch has none before the first step; the current lrs
  best_ = worst();
}

double ReduceLROnPlateau::worst() const {
  return o_.mode == "min" ? std::numeric_limits<double>::infinity()
                          : -std::numeric_limits<double>::infinity();
}

void ReduceLROnPlateau::restart() {
  for (std::size_t g = 0; g < groups_.size(); ++g)
    if (auto lr0 = groups_.initial_lr(g)) groups_.set_lr(g, *lr0);
  best_ = worst();
  num_bad_epochs_ = cooldown_counter_ = last_epoch_ = 0;
  last_lr_ = groups_.lrs();
}

void ReduceLROnPlateau::step() {
  throw UsageError("ReduceLROnPlateau is stepped with a metric", "plateau", "call step(metric)");
}

bool ReduceLROnPlateau::is_better(double a, double best) const {
  if (o_.mode == "min")
    return o_.threshold_mode == "rel" ? a < best * (1. - o_.threshold) : a < best - o_.threshold;
  return o_.threshold_mode == "rel" ? a > best * (o_.threshold + 1.) : a > best + o_.threshold;
}

void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (is_better(metric, best_)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs in cooldown are ignored
  }
  if (num_bad_epochs_ > o_.patience) {
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const double old_lr = groups_.lr(g);
      const double new_lr = std::max(old_lr * o_.factor, min_lrs_[g]);
      if (old_lr - new_lr > o_.eps) groups_.set_lr(g, new_lr);
    }
    cooldown_counter_ = o_.cooldown;
    num_bad_epochs_ = 0;
  }
  last_lr_ = groups_.lrs();
}

void ReduceLROnPlateau::save(nlohmann::json& state) const {
  Scheduler::save(state);
  // JSON has no infinity: the initial best (the worse value for the mode) is saved as null
  state["best"] = std::isinf(best_) ? nlohmann::json() : nlohmann::json(best_);
  state["num_bad_epochs"] = num_bad_epochs_;
  state["cooldown_counter"] = cooldown_counter_;
  state["last_epoch"] = last_epoch_;
}

void ReduceLROnPlateau::load(const nlohmann::json& state) {
  Scheduler::load(state);
  best_ = state.contains("best") && state["best"].is_null() ? worst() : read<double>(state, "best");
  num_bad_epochs_ = read<std::int64_t>(state, "num_bad_epochs");
  cooldown_counter_ = read<std::int64_t>(state, "cooldown_counter");
  last_epoch_ = read<std::int64_t>(state, "last_epoch");
}

}  // namespace descent::sched
