#include "descent/objective/registry.hpp"

#include "descent/core/spec.hpp"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/objective/test_functions.hpp"

namespace descent::objective {

namespace {

template <class F>
std::unique_ptr<Function> create_plain(const FunctionParameters&) {
  return erase(F{});
}

std::unique_ptr<Function> create_quadratic(const FunctionParameters& p) {
  return erase(Quadratic{p.at("a")});
}

std::unique_ptr<Function> create_ill_conditioned(const FunctionParameters& p) {
  return erase(IllConditionedQuadratic{p.at("k")});
}

std::unique_ptr<Function> create_rastrigin(const FunctionParameters& p) {
  const double n = p.at("n");
  if (!(n >= 1 && n <= 1e6) || n != std::floor(n))
    throw ConfigError(fmt::format("dimension n = {} must be a whole number in [1, 1e6]", n),
                      "rastrigin.n", "e.g. --param n=3");
  return erase(Rastrigin{static_cast<std::size_t>(n)});
}

std::vector<std::string> names() {
  std::vector<std::string> all;
  for (const auto& info : registry()) all.push_back(info.name);
  return all;
}

}  // namespace

const std::vector<FunctionInfo>& registry() {
  static const std::vector<FunctionInfo> entries{
      {"quadratic", "1", "a*x^2", {{"a", 1.0, "curvature: f'' = 2a"}}, &create_quadratic},
      {"ill-conditioned",
       "2",
       "0.5*(x^2 + k*y^2)",
       {{"k", 10.0, "condition number (ratio of the curvatures)"}},
       &create_ill_conditioned},
      {"saddle", "2", "x^2 - y^2", {}, &create_plain<Saddle>},
      {"rosenbrock", "2", "(1-x)^2 + 100*(y-x^2)^2", {}, &create_plain<Rosenbrock>},
      {"himmelblau", "2", "(x^2+y-11)^2 + (x+y^2-7)^2", {}, &create_plain<Himmelblau>},
      {"beale",
       "2",
       "(1.5-x+x*y)^2 + (2.25-x+x*y^2)^2 + (2.625-x+x*y^3)^2",
       {},
       &create_plain<Beale>},
      {"booth", "2", "(x+2*y-7)^2 + (2*x+y-5)^2", {}, &create_plain<Booth>},
      {"rastrigin",
       "n",
       "10*n + sum_i (x_i^2 - 10*cos(2*pi*x_i))",
       {{"n", 2.0, "dimension"}},
       &create_rastrigin},
      {"ackley",
       "2",
       "-20*exp(-0.2*sqrt(0.5*(x^2+y^2))) - exp(0.5*(cos(2*pi*x)+cos(2*pi*y))) + 20 + e",
       {},
       &create_plain<Ackley>},
  };
  return entries;
}

std::unique_ptr<Function> make(std::string_view name, const FunctionParameters& parameters) {
  for (const auto& info : registry()) {
    if (info.name != name) continue;
    FunctionParameters values;
    std::vector<std::string> valid;
    for (const auto& p : info.parameters) {
      values[p.name] = p.default_value;
      valid.push_back(p.name);
    }
    for (const auto& [key, value] : parameters) {
      if (!values.contains(key))
        throw ConfigError(
            fmt::format("'{}' has no parameter '{}'", info.name, key),
            fmt::format("{}.{}", info.name, key),
            valid.empty() ? "it takes no parameters" : did_you_mean(key, valid, "valid"));
      if (!std::isfinite(value))
        throw ConfigError(fmt::format("parameter value {} is not finite", value),
                          fmt::format("{}.{}", info.name, key));
      values[key] = value;
    }
    return info.create(values);
  }
  throw ConfigError(fmt::format("unknown function '{}'", name), "function",
                    did_you_mean(std::string(name), names(), "valid"));
}

}  // namespace descent::objective
