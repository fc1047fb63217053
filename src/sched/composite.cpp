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
bool any_needs_metric(const std::vector<std::unique_ptr<S>>& schedulers) {
  return std::any_of(schedulers.begin(), schedulers.end(),
                     [](const auto& s) { return s->needs_metric(); });
}

[[noreturn]] void throw_needs_metric(const std::string& name) {
  throw UsageError(fmt::format("'{}' holds a scheduler stepped with a metric", name), name,
                   "call step(metric)");
}

/// Steps `s` with the metric if it needs one (UsageError when there is none), else without.
void step_child(Scheduler& s, const double* metric, const std::string& parent) {
  if (!s.needs_metric())
    s.step();
  else if (metric)
    s.step(*metric);
  else
    throw UsageError(
        fmt::format("'{}' runs '{}', which is stepped with a metric", parent, s.name()), parent,
        "call step(metric)");
}

/// Sets every group's lr to its initial_lr (lr0), setting initial_lr where no child has.
void reset_to_initial(ParamGroups& groups) {
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!groups.initial_lr(g)) groups.set_initial_lr(g, groups.lr(g));
    groups.set_lr(g, *groups.initial_lr(g));
  }
}

std::vector<std::unique_ptr<Scheduler>> upcast(std::vector<std::unique_ptr<LRScheduler>> in) {
  std::vector<std::unique_ptr<Scheduler>> out;
  for (auto& s : in) out.push_back(std::move(s));
  return out;
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
    : SequentialLR(std::move(groups), upcast(std::move(schedulers)), std::move(milestones),
                   std::move(name)) {}

SequentialLR::SequentialLR(ParamGroups groups, std::vector<std::unique_ptr<Scheduler>> schedulers,
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
  reset_to_initial(groups_);
  for (auto& s : schedulers_)  // undo the epoch-indexed children's initial steps
    if (auto* lr = dynamic_cast<LRScheduler*>(s.get())) lr->last_epoch_ -= 1;
  if (auto* first = dynamic_cast<LRScheduler*>(schedulers_[0].get()))
    first->step();  // and redo the first one's
  else
    schedulers_[0]->restart();
  last_lr_ = schedulers_[0]->last_lr();
}

void SequentialLR::step() {
  if (needs_metric()) throw_needs_metric(name());  // before anything moves
  advance(nullptr);
}

void SequentialLR::step(double metric) {
  if (!needs_metric()) return Scheduler::step(metric);  // throws, as for any metric-free scheduler
  advance(&metric);
}

bool SequentialLR::needs_metric() const {
  return any_needs_metric(schedulers_);
}

void SequentialLR::advance(const double* metric) {
  ++last_epoch_;
  // index of the running child: bisect_right(milestones, last_epoch)
  const auto idx = std::size_t(
      std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin());
  Scheduler& s = *schedulers_[idx];
  if (idx > 0 && milestones_[idx - 1] == last_epoch_)
    s.restart();
  else
    step_child(s, metric, name());
  last_lr_ = s.last_lr();
}

void SequentialLR::restart() {
  reset_to_initial(groups_);
  last_epoch_ = 0;
  const auto idx = std::size_t(std::upper_bound(milestones_.begin(), milestones_.end(), 0) -
                               milestones_.begin());
  schedulers_[idx]->restart();
  last_lr_ = schedulers_[idx]->last_lr();
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
  if (needs_metric()) throw_needs_metric(name());  // before anything moves
  for (auto& s : schedulers_) step_child(*s, nullptr, name());
  last_lr_ = groups_.lrs();
}

void ChainedScheduler::step(double metric) {
  if (!needs_metric()) return Scheduler::step(metric);  // throws, as for any metric-free scheduler
  for (auto& s : schedulers_) step_child(*s, &metric, name());
  last_lr_ = groups_.lrs();
}

bool ChainedScheduler::needs_metric() const {
  return any_needs_metric(schedulers_);
}

void ChainedScheduler::restart() {
  reset_to_initial(groups_);
  for (auto& s : schedulers_) {
    if (auto* lr = dynamic_cast<LRScheduler*>(s.get()))
      lr->begin_again();
    else
      s->restart();
  }
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
