#pragma once
// The zoo by name: objective::make("rosenbrock") or make("ill-conditioned", {{"k", 100}}) builds a
// type-erased Function; registry() lists the names, formulas and parameters (`descent functions`).
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "descent/objective/objective.hpp"

namespace descent::objective {

/// Values of a function's parameters by name, e.g. {{"k", 100}}.
using FunctionParameters = std::map<std::string, double, std::less<>>;

struct ParameterInfo {
  std::string name;
  double default_value;
  std::string doc;
};

struct FunctionInfo {
  std::string name;
  std::string dimension;  // "1", "2" or "n"
  std::string formula;    // one line, for listings
  std::vector<ParameterInfo> parameters;
  /// Builds the function from a value for every parameter (defaults filled in by make()).
  std::unique_ptr<Function> (*create)(const FunctionParameters&);
};

/// Every registered function, in the order `descent functions` lists them.
const std::vector<FunctionInfo>& registry();

/// Builds a function by name; parameters not given take their defaults. ConfigError on an unknown
/// name or parameter (with "did you mean" and the valid ones) or a value out of range.
std::unique_ptr<Function> make(std::string_view name, const FunctionParameters& parameters = {});

}  // namespace descent::objective
