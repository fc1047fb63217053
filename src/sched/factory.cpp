#include "descent/sched/factory.hpp"

#include <functional>
#include <type_traits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/core/options.hpp"
#include "descent/core/spec.hpp"
#include "descent/sched/composite.hpp"
#include "descent/sched/cosine.hpp"
#include "descent/sched/course_forms.hpp"
#include "descent/sched/cyclic.hpp"
#include "descent/sched/decay.hpp"
#include "descent/sched/factor_formula.hpp"
#include "descent/sched/lambda.hpp"
#include "descent/sched/plateau.hpp"

namespace descent::sched {

namespace {

const std::string kExample = R"({"name": "cosine", "T_max": 100})";
const std::string kTop = "scheduler";  // the `where` of a spec that is not nested

std::unique_ptr<Scheduler> build(ParamGroups& groups, const nlohmann::json& spec,
                                 const std::string& where);

/// Builds a child spec, prefixing its errors with `where` ("sequential.schedulers[1]").
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

std::vector<std::unique_ptr<Scheduler>> children(ParamGroups& groups, const nlohmann::json& list,
                                                 const std::string& parent) {
  if (!list.is_array() || list.empty())
    throw ConfigError("expected a non-empty list of scheduler specs", parent + ".schedulers");
  std::vector<std::unique_ptr<Scheduler>> out;
  for (std::size_t i = 0; i < list.size(); ++i)
    out.push_back(child(groups, list[i], fmt::format("{}.schedulers[{}]", parent, i)));
  return out;
}

struct SequentialOptions {
  nlohmann::json schedulers;
  std::vector<std::int64_t> milestones;

  template <class V>
  void visit(V&& v) {
    v("schedulers", schedulers, "the scheduler specs, in order", options::required);
    v("milestones", milestones, "scheduler i runs from milestone i-1", options::required);
  }
};

struct ChainedOptions {
  nlohmann::json schedulers;

  template <class V>
  void visit(V&& v) {
    v("schedulers", schedulers, "the scheduler specs, stepped in order", options::required);
  }
};

struct WarmupOptions : LinearWarmup {
  nlohmann::json then;

  template <class V>
  void visit(V&& v) {
    LinearWarmup::visit(v);
    v("then", then, "the schedule that runs from lr0 after the warmup");
  }
};

/// lambda and multiplicative: the factor is a formula in epoch (or step), see factor_formula.hpp.
struct FactorOptions {
  std::string factor;

  template <class V>
  void visit(V&& v) {
    v("factor", factor, "f(t): a formula in epoch (or step), e.g. \"0.95^epoch\"",
      options::required);
  }
};

std::unique_ptr<Scheduler> lambda(ParamGroups& g, const FactorOptions& o) {
  return std::make_unique<LambdaLR>(g, compile_factor(o.factor, "lambda.factor"));
}

std::unique_ptr<Scheduler> multiplicative(ParamGroups& g, const FactorOptions& o) {
  return std::make_unique<MultiplicativeLR>(g, compile_factor(o.factor, "multiplicative.factor"));
}

std::unique_ptr<Scheduler> sequential(ParamGroups& g, const SequentialOptions& o,
                                      const std::string& where) {
  return std::make_unique<SequentialLR>(g, children(g, o.schedulers, where), o.milestones);
}

std::unique_ptr<Scheduler> chained(ParamGroups& g, const ChainedOptions& o,
                                   const std::string& where) {
  return std::make_unique<ChainedScheduler>(children(g, o.schedulers, where));
}

std::unique_ptr<Scheduler> warmup(ParamGroups& g, const WarmupOptions& o,
                                  const std::string& where) {
  const LinearWarmup form = o;
  if (o.then.is_null()) return std::make_unique<LambdaLR>(g, form, "warmup");
  auto warm = std::make_unique<LambdaLR>(g, form, "linear_warmup");  // built first, as in torch
  std::vector<std::unique_ptr<Scheduler>> both;
  both.push_back(std::move(warm));
  both.push_back(child(g, o.then, where + ".then"));
  return std::make_unique<SequentialLR>(g, std::move(both),
                                        std::vector<std::int64_t>{form.warmup_steps}, "warmup");
}

struct Entry : SchedulerInfo {
  /// Builds from the spec; `where` is the spec's path ("sequential.schedulers[1]") for nested
  /// specs.
  std::function<std::unique_ptr<Scheduler>(ParamGroups&, const nlohmann::json&,
                                           const std::string& where)>
      build;
};

/// A scheduler built from its options struct O: S(groups, options) when S is a scheduler class,
/// LambdaLR(groups, form) when O is a course form, or a builder function.
template <class O, class Make>
Entry entry(std::string name, std::string summary, Make make) {
  SchedulerInfo info{name, std::move(summary), options::names<O>(), options::table<O>()};
  return {std::move(info),
          [name, make](ParamGroups& g, const nlohmann::json& spec, const std::string& where) {
            O o;
            options::from_json(o, spec, name);
            // a composite names its children by its path: "sequential" at the top, else `where`
            if constexpr (std::is_invocable_v<Make, ParamGroups&, const O&, const std::string&>)
              return make(g, o, where == kTop ? name : where);
            else
              return make(g, o);
          }};
}
template <class S, class O>
Entry scheduler(std::string name, std::string summary) {
  return entry<O>(std::move(name), std::move(summary), [](ParamGroups& g, const O& o) {
    return std::unique_ptr<Scheduler>(std::make_unique<S>(g, o));
  });
}
template <class Form>
Entry course_form(std::string name, std::string summary) {
  return entry<Form>(name, std::move(summary), [name](ParamGroups& g, const Form& form) {
    return std::unique_ptr<Scheduler>(std::make_unique<LambdaLR>(g, form, name));
  });
}

// clang-format off
const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
    entry<FactorOptions>("lambda", "LambdaLR: lr0 * f(epoch), f a formula (\"0.95^epoch\")", lambda),
    entry<FactorOptions>("multiplicative", "MultiplicativeLR: lr * f(epoch) for epoch > 0, f a formula", multiplicative),
    scheduler<StepLR, StepLROptions>("step", "StepLR: lr0 * gamma^floor(t/step_size)"),
    scheduler<MultiStepLR, MultiStepLROptions>("multistep", "MultiStepLR: lr0 * gamma^(milestones passed)"),
    scheduler<ConstantLR, ConstantLROptions>("constant", "ConstantLR: lr0 * factor until total_iters"),
    scheduler<LinearLR, LinearLROptions>("linear", "LinearLR: factor linear from start_factor to end_factor over total_iters"),
    scheduler<ExponentialLR, ExponentialLROptions>("exponential", "ExponentialLR: lr0 * gamma^t"),
    scheduler<PolynomialLR, PolynomialLROptions>("polynomial", "PolynomialLR: lr0 * (1 - t/total_iters)^power"),
    scheduler<CosineAnnealingLR, CosineAnnealingLROptions>("cosine", "CosineAnnealingLR: eta_min + (lr0 - eta_min)(1 + cos(pi t/T_max))/2"),
    scheduler<CosineAnnealingWarmRestarts, CosineAnnealingWarmRestartsOptions>("cosine_warm_restarts", "CosineAnnealingWarmRestarts (SGDR): cosine restarted every T_i"),
    scheduler<CyclicLR, CyclicLROptions>("cyclic", "CyclicLR: triangular / triangular2 / exp_range cycles, momentum cycled"),
    scheduler<OneCycleLR, OneCycleLROptions>("onecycle", "OneCycleLR: warm up to max_lr, anneal to max_lr/div/final_div, momentum cycled"),
    scheduler<ReduceLROnPlateau, ReduceLROnPlateauOptions>("plateau", "ReduceLROnPlateau: lr * factor when the metric stalls (step(metric))"),
    entry<SequentialOptions>("sequential", "SequentialLR: schedulers[i] runs from milestones[i-1]", sequential),
    entry<ChainedOptions>("chained", "ChainedScheduler: every scheduler stepped in order", chained),
    course_form<ExponentialDecay>("exponential_decay", "course: lr0 * decay_rate^(t/decay_steps), staircase: floor(t/decay_steps)"),
    course_form<NaturalExpDecay>("natural_exp_decay", "course: lr0 * exp(-k t)"),
    course_form<InverseTimeDecay>("inverse_time_decay", "course: lr0 / (1 + k t)"),
    course_form<InverseSqrt>("inverse_sqrt", "course: linear warmup over warmup_steps, then lr0 * sqrt(warmup_steps / t)"),
    entry<WarmupOptions>("warmup", "course: lr0 * (s0 + (1-s0) t/warmup_steps), then the 'then' schedule from lr0", warmup),
  };
  return all;
}
// clang-format on

std::unique_ptr<Scheduler> build(ParamGroups& groups, const nlohmann::json& spec,
                                 const std::string& where) {
  const std::string name = spec_name(spec, "scheduler", where, kExample);
  const Entry& e = find_entry(entries(), name, "scheduler", where + ".name");
  return e.build(groups, spec, where);
}

}  // namespace

const std::vector<SchedulerInfo>& registry() {
  static const std::vector<SchedulerInfo> infos = [] {
    std::vector<SchedulerInfo> out;
    for (const auto& entry : entries()) out.push_back(entry);
    return out;
  }();
  return infos;
}

std::unique_ptr<Scheduler> make(ParamGroups groups, const nlohmann::json& spec) {
  if (spec.is_string())
    return build(groups, parse_spec(spec.get<std::string>(), "scheduler", kExample), kTop);
  return build(groups, spec, kTop);
}

}  // namespace descent::sched
