#include "descent/sched/composite.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

namespace {

template <class S>
void check_children(const ParamGroups& groups, const std::vector<std::unique_ptr<S>>& schedulers,
                    const std::string& name) {
  if (schedulers.empty())
    throw ConfigError("expected at least one scheduler", fmt::format("{}.schedulers", name));
  for (std::size_t i = 0; i < schedulers.size(); ++i) {
    if (!schedulers[i] || !schedulers[i]->groups().same_as(groups))
      throw UsageError(fmt::format("scheduler {} does not act on the same ParamGroups", i),
                       fmt::format("{}.schedulers[{}]", name, i),
                       "build every child on one ParamGroups of the optimizer");
    if (schedulers[i]->needs_metric())
      throw ConfigError(fmt::format("'{}' is stepped with a metric and cannot be composed",
                                    schedulers[i]->name()),
                        fmt::format("{}.schedulers[{}]", name, i));
  }
}

template <class S>
nlohmann::json child_states(const std::vector<std::unique_ptr<S>>& schedulers) {
  nlohmann::json states = nlohmann::json::array();
  for (const auto& s : schedulers) states.push_back(s->state_dict());
  return states;
}

template <class S>
void load_children(const nlohmann::json& state, std::vector<std::unique_ptr<S>>& schedulers) {
  if (!state.contains("schedulers") || !state["schedulers"].is_array() ||
      state["schedulers"].size() != schedulers.size())
    throw CheckpointError(fmt::format("expected the states of {} schedulers", schedulers.size()),
                          "scheduler.schedulers");
  for (std::size_t i = 0; i < schedulers.size(); ++i) {
    try {
      schedulers[i]->load_state_dict(state["schedulers"][i]);
    } catch (const CheckpointError& e) {
      throw CheckpointError(e.reason(),
                            fmt::format("scheduler.schedulers[{}]", i) +
                                e.where().substr(std::string("scheduler").size()),
                            e.hint());
    }
  }
}

template <class S>
std::optional<MomentumField> first_cycled(const std::vector<std::unique_ptr<S>>& schedulers) {
  for (const auto& s : schedulers)
    if (auto field = s->cycled_momentum()) return field;
  return std::nullopt;
}

}  // namespace

SequentialLR::SequentialLR(ParamGroups groups, std::vector<std::unique_ptr<LRScheduler>> schedulers,
                           std::vector<std::int64_t> milestones, std::string name)
    : Scheduler(groups, std::move(name)),
      schedulers_(std::move(schedulers)),
      milestones_(std::move(milestones)) {
  check_children(groups_, schedulers_, this->name());
  if (milestones_.size() + 1 != schedulers_.size())
    throw ConfigError(fmt::format("expected {} milestones for {} schedulers, got {}",
                                  schedulers_.size() - 1, schedulers_.size(), milestones_.size()),
                      this->name() + ".milestones");
  for (std::size_t i = 0; i < milestones_.size(); ++i)
    if (milestones_[i] < 0 || (i > 0 && milestones_[i] <= milestones_[i - 1]))
      throw ConfigError("milestones must be non-negative and increasing",
                        this->name() + ".milestones");
  for (std::size_t g = 0; g < groups_.size(); ++g) groups_.set_lr(g, *groups_.initial_lr(g));
  for (auto& s : schedulers_) s->last_epoch_ -= 1;  // undo the children's initial steps
  schedulers_[0]->step();                           // and redo the first one's
  last_lr_ = schedulers_[0]->last_lr();
}

void SequentialLR::step() {
  ++last_epoch_;
  // index of the running child: bisect_right(milestones, last_epoch)
  const auto idx = std::size_t(
      std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin());
  LRScheduler& s = *schedulers_[idx];
  if (idx > 0 && milestones_[idx - 1] == last_epoch_)
    s.step_to(0);
  else
    s.step();
  last_lr_ = s.last_lr();
}

std::optional<MomentumField> SequentialLR::cycled_momentum() const {
  return first_cycled(schedulers_);
}

void SequentialLR::save(nlohmann::json& state) const {
  Scheduler::save(state);
  state["last_epoch"] = last_epoch_;
  state["schedulers"] = child_states(schedulers_);
}

void SequentialLR::load(const nlohmann::json& state) {
  Scheduler::load(state);
  last_epoch_ = read<std::int64_t>(state, "last_epoch");
  load_children(state, schedulers_);
}

ChainedScheduler::ChainedScheduler(std::vector<std::unique_ptr<Scheduler>> schedulers)
    : Scheduler(schedulers.empty() || !schedulers[0]
                    ? throw ConfigError("expected at least one scheduler", "chained.schedulers")
                    : schedulers[0]->groups(),
                "chained"),
      schedulers_(std::move(schedulers)) {
  check_children(groups_, schedulers_, name());
  last_lr_ = groups_.lrs();
}

void ChainedScheduler::step() {
  for (auto& s : schedulers_) s->step();
  last_lr_ = groups_.lrs();
}

std::optional<MomentumField> ChainedScheduler::cycled_momentum() const {
  return first_cycled(schedulers_);
}

void ChainedScheduler::save(nlohmann::json& state) const {
  Scheduler::save(state);
  state["schedulers"] = child_states(schedulers_);
}

void ChainedScheduler::load(const nlohmann::json& state) {
  Scheduler::load(state);
  load_children(state, schedulers_);
}

}  // namespace descent::sched
