#pragma once
// What `--function` accepts: the name of a built-in test function (objective::make) or any formula
// (objective::Formula) in x, y or x1..xn.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "descent/objective/registry.hpp"

namespace descent::objective {

/// A built-in by name (with its parameters), else a formula over `dimension` coordinates (0: as
/// many as its variables need). A bare name that is neither a built-in nor a variable is an unknown
/// function (with "did you mean"). ConfigError naming `where`; parameters given to a formula are
/// an error.
std::unique_ptr<Function> make_function(std::string_view name_or_formula,
                                        const FunctionParameters& parameters = {},
                                        std::size_t dimension = 0,
                                        const std::string& where = "--function");

/// Whether `text` names a built-in function (rather than being a formula).
bool is_builtin(std::string_view text);

/// ConfigError naming `where` unless f and its gradient are finite at x (before a run starts, so
/// that a formula undefined at its start point is bad input, not a divergence).
void check_finite_at(const Function& f, std::span<const double> x, const std::string& where);

}  // namespace descent::objective
