#include "descent/optim/factory.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/spec.hpp"
#include "descent/optim/adadelta.hpp"
#include "descent/optim/adagrad.hpp"
#include "descent/optim/adam.hpp"
#include "descent/optim/adamax.hpp"
#include "descent/optim/lbfgs.hpp"
#include "descent/optim/lion.hpp"
#include "descent/optim/nadam.hpp"
#include "descent/optim/newton.hpp"
#include "descent/optim/radam.hpp"
#include "descent/optim/rmsprop.hpp"
#include "descent/optim/sgd.hpp"

namespace descent::optim {

namespace {

const std::string kExample = R"({"name": "adam", "lr": 0.001})";

/// Builds Opt<T> from a spec: defaults overridden by the spec's keys, then per-group overrides.
template <template <class> class Opt, class T>
std::unique_ptr<Optimizer<T>> create(Params<T>& params, const nlohmann::json& spec) {
  using Options = typename Opt<T>::Options;
  const std::string name = Opt<T>::kName;
  Options defaults;
  options::from_json(defaults, spec, name, options::Keys::ignoring({"name", "groups"}));
  auto opt = std::make_unique<Opt<T>>(params, defaults);
  if (spec.contains("groups")) {
    const auto& groups = spec["groups"];
    if (!groups.is_array() || groups.size() > params.num_groups())
      throw ConfigError(fmt::format("expected an array of at most {} per-group option objects",
                                    params.num_groups()),
                        name + ".groups");
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (!groups[g].is_object())
        throw ConfigError("expected an object of options", fmt::format("{}.groups[{}]", name, g));
      opt->set_group_options(g, groups[g]);
    }
  }
  return opt;
}

template <template <class> class Opt>
OptimizerInfo entry(std::string summary) {
  return {Opt<double>::kName, std::move(summary), options::table<typename Opt<double>::Options>(),
          &create<Opt, float>, &create<Opt, double>};
}

}  // namespace

const std::vector<OptimizerInfo>& registry() {
  static const std::vector<OptimizerInfo> entries = [] {
    std::vector<OptimizerInfo> e;
    e.push_back(entry<SGD>("SGD with momentum, dampening, Nesterov (torch.optim.SGD)"));
    e.push_back(entry<ClassicMomentum>("momentum, CS231n form: v = mu*v - lr*g; p += v"));
    e.push_back(entry<Adam>("Adam with L2 weight decay and AMSGrad (torch.optim.Adam)"));
    e.push_back(entry<AdamW>("Adam with decoupled weight decay (torch.optim.AdamW)"));
    e.push_back(entry<Adagrad>("per-coordinate rates from the sum of g^2 (torch.optim.Adagrad)"));
    e.push_back(entry<RMSprop>("running average of g^2, centered, momentum (torch.optim.RMSprop)"));
    e.push_back(entry<Adadelta>("RMS of updates over RMS of gradients (torch.optim.Adadelta)"));
    e.push_back(entry<Adamax>("Adam with the infinity norm (torch.optim.Adamax)"));
    e.push_back(entry<NAdam>("Adam with Nesterov momentum and momentum decay (torch.optim.NAdam)"));
    e.push_back(entry<RAdam>("Adam with rectified adaptive learning rate (torch.optim.RAdam)"));
    e.push_back(entry<Lion>("sign of interpolated momentum, decoupled decay (Chen et al. 2023)"));
    e.push_back(entry<LBFGS>(
        "L-BFGS with optional strong-Wolfe line search, step(closure) (torch.optim.LBFGS)"));
    e.push_back(entry<Newton>("Newton's method with Levenberg damping; needs set_hessian()"));
    return e;
  }();
  return entries;
}

nlohmann::json parse_spec(std::string_view text, const std::string& what) {
  return descent::parse_spec(text, what, kExample);
}

template <class T>
std::unique_ptr<Optimizer<T>> make(Params<T>& params, const nlohmann::json& spec) {
  const std::string name = spec_name(spec, "optimizer", "optimizer", kExample);
  const OptimizerInfo& info = find_entry(registry(), name, "optimizer", "optimizer.name");
  if constexpr (std::is_same_v<T, float>)
    return info.make_float(params, spec);
  else
    return info.make_double(params, spec);
}

template <class T>
std::unique_ptr<Optimizer<T>> make(Params<T>& params, std::string_view spec) {
  return make<T>(params, parse_spec(spec));
}

template std::unique_ptr<Optimizer<float>> make(Params<float>&, const nlohmann::json&);
template std::unique_ptr<Optimizer<double>> make(Params<double>&, const nlohmann::json&);
template std::unique_ptr<Optimizer<float>> make(Params<float>&, std::string_view);
template std::unique_ptr<Optimizer<double>> make(Params<double>&, std::string_view);

}  // namespace descent::optim
