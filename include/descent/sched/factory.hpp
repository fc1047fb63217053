#pragma once
// Schedulers by name, from torch's keyword arguments as JSON:
//   sched::make(optimizer, R"({"name": "onecycle", "max_lr": 0.1, "total_steps": 1000})")
// Names: lambda and multiplicative ({"factor": "0.95^epoch"}, see factor_formula.hpp), step,
// multistep, constant, linear, exponential, polynomial, cosine, cosine_warm_restarts, cyclic,
// onecycle, plateau, sequential ({"schedulers": [...], "milestones": [...]}), chained
// ({"schedulers": [...]}), and the course forms exponential_decay, natural_exp_decay,
// inverse_time_decay, inverse_sqrt, warmup ({"warmup_steps": w, "start_factor": s0, "then":
// {...}}). Any scheduler may be a child of sequential, chained and warmup (see composite.hpp).
// Per-group values (base_lr, max_lr, momenta, min_lr) are a number or a list with one per
// group. Strict: an unknown name or key, a value of the wrong type or out of range is a
// ConfigError naming "<name>.<key>" (nested: "sequential.schedulers[1].T_max"), with the valid
// keys. Each scheduler's options are declared once in its options struct (core/options.hpp).
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/sched/scheduler.hpp"

namespace descent::sched {

struct SchedulerInfo {
  std::string name;
  std::string summary;
  std::vector<std::string> keys;  // accepted keys besides "name"
  nlohmann::json options;         // [{"name", "default", "doc", "rule"}, ...]
};

/// Every scheduler sched::make knows, in the order `descent schedule --list` prints them.
const std::vector<SchedulerInfo>& registry();

/// Builds a scheduler on the optimizer's groups; it performs its initial step (sets the lr of
/// step 0). `spec` is a JSON object, or a string holding JSON text or a bare name ("cosine").
std::unique_ptr<Scheduler> make(ParamGroups groups, const nlohmann::json& spec);

template <class T>
std::unique_ptr<Scheduler> make(optim::Optimizer<T>& optimizer, const nlohmann::json& spec) {
  return make(ParamGroups(optimizer), spec);
}

}  // namespace descent::sched
