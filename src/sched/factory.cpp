#include "descent/sched/factory.hpp"

#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/optim/factory.hpp"
#include "descent/sched/composite.hpp"
#include "descent/sched/cosine.hpp"
#include "descent/sched/course_forms.hpp"
#include "descent/sched/cyclic.hpp"
#include "descent/sched/decay.hpp"
#include "descent/sched/lambda.hpp"
#include "descent/sched/plateau.hpp"

namespace descent::sched {

namespace {

/// The keys of one spec, read strictly: each accessor names "<scheduler>.<key>" in its errors.
class Args {
 public:
  Args(const nlohmann::json& spec, const SchedulerInfo& info) : spec_(spec), name_(info.name) {
    for (const auto& [key, value] : spec.items()) {
      if (key == "name" || std::find(info.keys.begin(), info.keys.end(), key) != info.keys.end())
        continue;
      std::string near = closest_match(key, info.keys);
      throw ConfigError(fmt::format("unknown option '{}' for {}", key, name_), where(key),
                        (near.empty() ? "" : fmt::format("did you mean '{}'? ", near)) +
                            fmt::format("valid options: {}", fmt::join(info.keys, ", ")));
    }
  }

  bool has(const char* key) const { return spec_.contains(key) && !spec_[key].is_null(); }

  double number(const char* key, double fallback) const {
    return has(key) ? number(key) : fallback;
  }
  double number(const char* key) const {
    const auto& v = at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>())) wrong(key, "a finite number");
    return v.get<double>();
  }
  std::int64_t integer(const char* key, std::int64_t fallback) const {
    return has(key) ? integer(key) : fallback;
  }
  std::int64_t integer(const char* key) const {
    const auto& v = at(key);
    if (!v.is_number_integer()) wrong(key, "an integer");
    return v.get<std::int64_t>();
  }
  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!spec_[key].is_boolean()) wrong(key, "true or false");
    return spec_[key].get<bool>();
  }
  std::string text(const char* key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    if (!spec_[key].is_string()) wrong(key, "a string");
    return spec_[key].get<std::string>();
  }
  /// A number, or a list of numbers (one per parameter group).
  std::vector<double> numbers(const char* key, std::vector<double> fallback) const {
    return has(key) ? numbers(key) : fallback;
  }
  std::vector<double> numbers(const char* key) const {
    const auto& v = at(key);
    if (v.is_number()) return {number(key)};
    if (!v.is_array() || v.empty()) wrong(key, "a number or a list of numbers (one per group)");
    std::vector<double> out;
    for (const auto& x : v) {
      if (!x.is_number()) wrong(key, "a number or a list of numbers (one per group)");
      out.push_back(x.get<double>());
    }
    return out;
  }
  std::vector<std::int64_t> integers(const char* key) const {
    const auto& v = at(key);
    if (!v.is_array()) wrong(key, "a list of integers");
    std::vector<std::int64_t> out;
    for (const auto& x : v) {
      if (!x.is_number_integer()) wrong(key, "a list of integers");
      out.push_back(x.get<std::int64_t>());
    }
    return out;
  }
  const nlohmann::json& at(const char* key) const {
    if (!has(key))
      throw ConfigError(fmt::format("{} needs '{}'", name_, key), where(key),
                        fmt::format("e.g. {}", example(key)));
    return spec_[key];
  }
  std::string where(const std::string& key) const { return name_ + "." + key; }

 private:
  [[noreturn]] void wrong(const char* key, const char* expected) const {
    throw ConfigError(fmt::format("expected {}, got {}", expected, spec_[key].dump()), where(key));
  }
  std::string example(const char* key) const {
    nlohmann::json e = {{"name", name_}};
    e[key] = std::string(key) == "schedulers" ? nlohmann::json::array() : nlohmann::json("...");
    return e.dump();
  }

  const nlohmann::json& spec_;
  std::string name_;
};

std::unique_ptr<Scheduler> build(ParamGroups& groups, const nlohmann::json& spec,
                                 const std::string& where);

/// Builds child i of a composite spec, prefixing errors with "<parent>.schedulers[i]".
std::unique_ptr<Scheduler> child(ParamGroups& groups, const nlohmann::json& spec,
                                 const std::string& where) {
  try {
    return build(groups, spec, where);
  } catch (const ConfigError& e) {
    if (e.where().starts_with(where)) throw;
    const std::string inner = e.where().substr(std::min(e.where().find('.'), e.where().size()));
    throw ConfigError(e.reason(), where + inner, e.hint());
  }
}

/// A child that SequentialLR can restart at a milestone (torch calls its step(0)).
std::unique_ptr<LRScheduler> epoch_child(std::unique_ptr<Scheduler> s, const std::string& where) {
  if (auto* lr = dynamic_cast<LRScheduler*>(s.get())) {
    s.release();
    return std::unique_ptr<LRScheduler>(lr);
  }
  throw ConfigError(fmt::format("'{}' cannot run inside a sequence", s->name()), where,
                    "sequences take epoch-indexed schedulers (not plateau, sequential or chained)");
}

std::vector<std::unique_ptr<Scheduler>> children(ParamGroups& groups, const Args& a,
                                                 const std::string& parent) {
  const auto& list = a.at("schedulers");
  if (!list.is_array() || list.empty())
    throw ConfigError("expected a non-empty list of scheduler specs", parent + ".schedulers");
  std::vector<std::unique_ptr<Scheduler>> out;
  for (std::size_t i = 0; i < list.size(); ++i)
    out.push_back(child(groups, list[i], fmt::format("{}.schedulers[{}]", parent, i)));
  return out;
}

template <class Form>
std::unique_ptr<Scheduler> course_form(ParamGroups& groups, Form form, const std::string& name) {
  form.validate();
  return std::make_unique<LambdaLR>(groups, form, name);
}

using Builder = std::function<std::unique_ptr<Scheduler>(ParamGroups&, const Args&)>;

struct Entry {
  SchedulerInfo info;
  Builder build;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = [] {
    std::vector<Entry> e;
    e.push_back({{"step", "StepLR: lr0 * gamma^floor(t/step_size)", {"step_size", "gamma"}},
                 [](ParamGroups& g, const Args& a) {
                   StepLROptions d;
                   return std::make_unique<StepLR>(
                       g, StepLROptions{a.integer("step_size"), a.number("gamma", d.gamma)});
                 }});
    e.push_back(
        {{"multistep", "MultiStepLR: lr0 * gamma^(milestones passed)", {"milestones", "gamma"}},
         [](ParamGroups& g, const Args& a) {
           return std::make_unique<MultiStepLR>(
               g, MultiStepLROptions{a.integers("milestones"),
                                     a.number("gamma", MultiStepLROptions{}.gamma)});
         }});
    e.push_back(
        {{"constant", "ConstantLR: lr0 * factor until total_iters", {"factor", "total_iters"}},
         [](ParamGroups& g, const Args& a) {
           ConstantLROptions d;
           return std::make_unique<ConstantLR>(
               g, ConstantLROptions{a.number("factor", d.factor),
                                    a.integer("total_iters", d.total_iters)});
         }});
    e.push_back({{"linear",
                  "LinearLR: factor linear from start_factor to end_factor over total_iters",
                  {"start_factor", "end_factor", "total_iters"}},
                 [](ParamGroups& g, const Args& a) {
                   LinearLROptions d;
                   return std::make_unique<LinearLR>(
                       g, LinearLROptions{a.number("start_factor", d.start_factor),
                                          a.number("end_factor", d.end_factor),
                                          a.integer("total_iters", d.total_iters)});
                 }});
    e.push_back({{"exponential", "ExponentialLR: lr0 * gamma^t", {"gamma"}},
                 [](ParamGroups& g, const Args& a) {
                   return std::make_unique<ExponentialLR>(g,
                                                          ExponentialLROptions{a.number("gamma")});
                 }});
    e.push_back(
        {{"polynomial", "PolynomialLR: lr0 * (1 - t/total_iters)^power", {"total_iters", "power"}},
         [](ParamGroups& g, const Args& a) {
           PolynomialLROptions d;
           return std::make_unique<PolynomialLR>(
               g, PolynomialLROptions{a.integer("total_iters", d.total_iters),
                                      a.number("power", d.power)});
         }});
    e.push_back({{"cosine",
                  "CosineAnnealingLR: eta_min + (lr0 - eta_min)(1 + cos(pi t/T_max))/2",
                  {"T_max", "eta_min"}},
                 [](ParamGroups& g, const Args& a) {
                   return std::make_unique<CosineAnnealingLR>(
                       g, CosineAnnealingLROptions{a.integer("T_max"), a.number("eta_min", 0)});
                 }});
    e.push_back({{"cosine_warm_restarts",
                  "CosineAnnealingWarmRestarts (SGDR): cosine restarted every T_i",
                  {"T_0", "T_mult", "eta_min"}},
                 [](ParamGroups& g, const Args& a) {
                   return std::make_unique<CosineAnnealingWarmRestarts>(
                       g, CosineAnnealingWarmRestartsOptions{
                              a.integer("T_0"), a.integer("T_mult", 1), a.number("eta_min", 0)});
                 }});
    e.push_back({{"cyclic",
                  "CyclicLR: triangular / triangular2 / exp_range cycles, momentum cycled",
                  {"base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma",
                   "cycle_momentum", "base_momentum", "max_momentum"}},
                 [](ParamGroups& g, const Args& a) {
                   CyclicLROptions o;
                   o.base_lr = a.numbers("base_lr");
                   o.max_lr = a.numbers("max_lr");
                   o.step_size_up = a.number("step_size_up", o.step_size_up);
                   if (a.has("step_size_down")) o.step_size_down = a.number("step_size_down");
                   o.mode = a.text("mode", o.mode);
                   o.gamma = a.number("gamma", o.gamma);
                   o.cycle_momentum = a.boolean("cycle_momentum", o.cycle_momentum);
                   o.base_momentum = a.numbers("base_momentum", o.base_momentum);
                   o.max_momentum = a.numbers("max_momentum", o.max_momentum);
                   return std::make_unique<CyclicLR>(g, o);
                 }});
    e.push_back({{"onecycle",
                  "OneCycleLR: warm up to max_lr, anneal to max_lr/div/final_div, momentum cycled",
                  {"max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start",
                   "anneal_strategy", "cycle_momentum", "base_momentum", "max_momentum",
                   "div_factor", "final_div_factor", "three_phase"}},
                 [](ParamGroups& g, const Args& a) {
                   OneCycleLROptions o;
                   o.max_lr = a.numbers("max_lr");
                   if (a.has("total_steps")) o.total_steps = a.integer("total_steps");
                   if (a.has("epochs")) o.epochs = a.integer("epochs");
                   if (a.has("steps_per_epoch")) o.steps_per_epoch = a.integer("steps_per_epoch");
                   if (!o.total_steps && !(o.epochs && o.steps_per_epoch)) a.at("total_steps");
                   o.pct_start = a.number("pct_start", o.pct_start);
                   o.anneal_strategy = a.text("anneal_strategy", o.anneal_strategy);
                   o.cycle_momentum = a.boolean("cycle_momentum", o.cycle_momentum);
                   o.base_momentum = a.numbers("base_momentum", o.base_momentum);
                   o.max_momentum = a.numbers("max_momentum", o.max_momentum);
                   o.div_factor = a.number("div_factor", o.div_factor);
                   o.final_div_factor = a.number("final_div_factor", o.final_div_factor);
                   o.three_phase = a.boolean("three_phase", o.three_phase);
                   return std::make_unique<OneCycleLR>(g, o);
                 }});
    e.push_back({{"plateau",
                  "ReduceLROnPlateau: lr * factor when the metric stalls (step(metric))",
                  {"mode", "factor", "patience", "threshold", "threshold_mode", "cooldown",
                   "min_lr", "eps"}},
                 [](ParamGroups& g, const Args& a) {
                   ReduceLROnPlateauOptions o;
                   o.mode = a.text("mode", o.mode);
                   o.factor = a.number("factor", o.factor);
                   o.patience = a.integer("patience", o.patience);
                   o.threshold = a.number("threshold", o.threshold);
                   o.threshold_mode = a.text("threshold_mode", o.threshold_mode);
                   o.cooldown = a.integer("cooldown", o.cooldown);
                   o.min_lr = a.numbers("min_lr", o.min_lr);
                   o.eps = a.number("eps", o.eps);
                   return std::make_unique<ReduceLROnPlateau>(g, o);
                 }});
    e.push_back({{"sequential",
                  "SequentialLR: schedulers[i] runs from milestones[i-1]",
                  {"schedulers", "milestones"}},
                 [](ParamGroups& g, const Args& a) {
                   auto built = children(g, a, "sequential");
                   std::vector<std::unique_ptr<LRScheduler>> epoch;
                   for (std::size_t i = 0; i < built.size(); ++i)
                     epoch.push_back(epoch_child(std::move(built[i]),
                                                 fmt::format("sequential.schedulers[{}]", i)));
                   return std::make_unique<SequentialLR>(g, std::move(epoch),
                                                         a.integers("milestones"));
                 }});
    e.push_back({{"chained", "ChainedScheduler: every scheduler stepped in order", {"schedulers"}},
                 [](ParamGroups& g, const Args& a) {
                   return std::make_unique<ChainedScheduler>(children(g, a, "chained"));
                 }});
    e.push_back({{"exponential_decay",
                  "course: lr0 * decay_rate^(t/decay_steps), staircase: floor(t/decay_steps)",
                  {"decay_rate", "decay_steps", "staircase"}},
                 [](ParamGroups& g, const Args& a) {
                   return course_form(
                       g,
                       ExponentialDecay{a.number("decay_rate"), a.number("decay_steps"),
                                        a.boolean("staircase", false)},
                       "exponential_decay");
                 }});
    e.push_back({{"natural_exp_decay", "course: lr0 * exp(-k t)", {"k"}},
                 [](ParamGroups& g, const Args& a) {
                   return course_form(g, NaturalExpDecay{a.number("k")}, "natural_exp_decay");
                 }});
    e.push_back({{"inverse_time_decay", "course: lr0 / (1 + k t)", {"k"}},
                 [](ParamGroups& g, const Args& a) {
                   return course_form(g, InverseTimeDecay{a.number("k")}, "inverse_time_decay");
                 }});
    e.push_back({{"inverse_sqrt",
                  "course: linear warmup over warmup_steps, then lr0 * sqrt(warmup_steps / t)",
                  {"warmup_steps", "start_factor"}},
                 [](ParamGroups& g, const Args& a) {
                   InverseSqrt d;
                   return course_form(g,
                                      InverseSqrt{a.integer("warmup_steps", d.warmup_steps),
                                                  a.number("start_factor", d.start_factor)},
                                      "inverse_sqrt");
                 }});
    e.push_back({{"warmup",
                  "course: lr0 * (s0 + (1-s0) t/warmup_steps), then the 'then' schedule from lr0",
                  {"warmup_steps", "start_factor", "then"}},
                 [](ParamGroups& g, const Args& a) -> std::unique_ptr<Scheduler> {
                   const LinearWarmup form{a.integer("warmup_steps"), a.number("start_factor", 0)};
                   if (!a.has("then")) return course_form(g, form, "warmup");
                   auto warm = course_form(g, form, "linear_warmup");  // built first, as in torch
                   std::vector<std::unique_ptr<LRScheduler>> both;
                   both.push_back(epoch_child(std::move(warm), "warmup"));
                   both.push_back(
                       epoch_child(child(g, a.at("then"), "warmup.then"), "warmup.then"));
                   return std::make_unique<SequentialLR>(
                       g, std::move(both), std::vector<std::int64_t>{form.warmup_steps}, "warmup");
                 }});
    return e;
  }();
  return all;
}

std::unique_ptr<Scheduler> build(ParamGroups& groups, const nlohmann::json& spec,
                                 const std::string& where) {
  if (!spec.is_object() || !spec.contains("name") || !spec["name"].is_string())
    throw ConfigError("a scheduler spec needs a \"name\"", where,
                      R"(write it as {"name": "cosine", "T_max": 100})");
  const std::string name = spec["name"].get<std::string>();
  std::vector<std::string> names;
  for (const auto& entry : entries()) {
    if (entry.info.name == name) return entry.build(groups, Args(spec, entry.info));
    names.push_back(entry.info.name);
  }
  std::string near = closest_match(name, names);
  throw ConfigError(fmt::format("unknown scheduler '{}'", name), where + ".name",
                    (near.empty() ? "" : fmt::format("did you mean '{}'? ", near)) +
                        fmt::format("known: {}", fmt::join(names, ", ")));
}

}  // namespace

const std::vector<SchedulerInfo>& registry() {
  static const std::vector<SchedulerInfo> infos = [] {
    std::vector<SchedulerInfo> out;
    for (const auto& entry : entries()) out.push_back(entry.info);
    return out;
  }();
  return infos;
}

std::unique_ptr<Scheduler> make(ParamGroups groups, const nlohmann::json& spec) {
  if (spec.is_string())
    return build(groups, optim::parse_spec(spec.get<std::string>(), "scheduler"), "scheduler");
  return build(groups, spec, "scheduler");
}

}  // namespace descent::sched
