#include "descent/sched/scheduler.hpp"

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

void Scheduler::step(double) {
  throw UsageError(fmt::format("scheduler '{}' is stepped without a metric", name_), name_,
                   "call step()");
}

void Scheduler::restart() {
  throw UsageError(fmt::format("scheduler '{}' cannot be restarted", name_), name_,
                   "compose it into a sequence only if it implements restart()");
}

nlohmann::json Scheduler::state_dict() const {
  nlohmann::json state = {{"name", name_}};
  save(state);
  return state;
}

void Scheduler::load_state_dict(const nlohmann::json& state) {
  if (!state.is_object() || !state.contains("name") || state["name"] != name_)
    throw CheckpointError(
        fmt::format("scheduler state is for '{}', not '{}'",
                    state.is_object() && state.contains("name") ? state["name"].dump() : "?",
                    name_),
        "scheduler.name", "load it into the scheduler it was saved from");
  load(state);
}

void Scheduler::save(nlohmann::json& state) const {
  state["last_lr"] = last_lr_;
}

void Scheduler::load(const nlohmann::json& state) {
  last_lr_ = read_groups(state, "last_lr");
}

template <class V>
V Scheduler::read(const nlohmann::json& state, const char* key) const {
  try {
    return state.at(key).get<V>();
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError("missing or invalid scheduler state", fmt::format("scheduler.{}", key));
  }
}

template double Scheduler::read(const nlohmann::json&, const char*) const;
template std::int64_t Scheduler::read(const nlohmann::json&, const char*) const;

std::vector<double> Scheduler::read_groups(const nlohmann::json& state, const char* key) const {
  std::vector<double> values;
  try {
    values = state.at(key).get<std::vector<double>>();
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError("missing or invalid scheduler state", fmt::format("scheduler.{}", key));
  }
  if (values.size() != groups_.size())
    throw CheckpointError(fmt::format("state has {} values, the optimizer {} parameter groups",
                                      values.size(), groups_.size()),
                          fmt::format("scheduler.{}", key));
  return values;
}

void LRScheduler::start() {
  base_lrs_.resize(groups_.size());
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    if (!groups_.initial_lr(g)) groups_.set_initial_lr(g, groups_.lr(g));  // setdefault
    base_lrs_[g] = *groups_.initial_lr(g);
  }
  last_epoch_ = -1;
  step();
}

void LRScheduler::step() {
  ++last_epoch_;
  apply(get_lr());
}

void LRScheduler::begin_again() {
  last_epoch_ = -1;
  step();
}

void LRScheduler::step_to(std::int64_t epoch) {
  last_epoch_ = epoch;
  apply(closed_form_lr());
}

void LRScheduler::apply(const std::vector<double>& lrs) {
  for (std::size_t g = 0; g < lrs.size(); ++g) groups_.set_lr(g, lrs[g]);
  last_lr_ = groups_.lrs();
}

void LRScheduler::save(nlohmann::json& state) const {
  Scheduler::save(state);
  state["last_epoch"] = last_epoch_;
  state["base_lrs"] = base_lrs_;
}

void LRScheduler::load(const nlohmann::json& state) {
  Scheduler::load(state);
  last_epoch_ = read<std::int64_t>(state, "last_epoch");
  base_lrs_ = read_groups(state, "base_lrs");
}

}  // namespace descent::sched
