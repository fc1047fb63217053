#include "descent/optim/factory.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

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

/// Builds Opt<T> from a spec: defaults overridden by the spec's keys, then per-group overrides.
template <template <class> class Opt, class T>
std::unique_ptr<Optimizer<T>> create(Params<T>& params, const nlohmann::json& spec) {
  using Options = typename Opt<T>::Options;
  const std::string name = Opt<T>::kName;
  Options defaults;
  options_from_json(defaults, spec, name, {"name", "groups"});
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
  return {Opt<double>::kName, std::move(summary), option_table<typename Opt<double>::Options>(),
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
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    try {
      return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
      throw ConfigError(fmt::format("malformed JSON: {}", e.what()), what,
                        R"(write it as {"name": "adam", "lr": 0.001})");
    }
  }
  return nlohmann::json{{"name", std::string(text)}};
}

template <class T>
std::unique_ptr<Optimizer<T>> make(Params<T>& params, const nlohmann::json& spec) {
  if (!spec.is_object() || !spec.contains("name") || !spec["name"].is_string())
    throw ConfigError("an optimizer spec needs a \"name\"", "optimizer",
                      R"(write it as {"name": "adam", "lr": 0.001})");
  const std::string name = spec["name"].get<std::string>();
  std::vector<std::string> names;
  for (const auto& info : registry()) {
    if (info.name == name) {
      if constexpr (std::is_same_v<T, float>)
        return info.make_float(params, spec);
      else
        return info.make_double(params, spec);
    }
    names.push_back(info.name);
  }
  std::string near = closest_match(name, names);
  throw ConfigError(fmt::format("unknown optimizer '{}'", name), "optimizer.name",
                    (near.empty() ? "" : fmt::format("did you mean '{}'? ", near)) +
                        fmt::format("known: {}", fmt::join(names, ", ")));
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
