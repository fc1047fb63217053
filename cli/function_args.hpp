#pragma once
// Command-line arguments shared by the commands that work on a test function (trace, gradcheck):
// a point, function parameters, and a plain-text table.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "descent/objective/registry.hpp"

namespace descent::cli {

/// A whole string (blanks around it ignored) as a double, or nullopt.
std::optional<double> to_double(std::string_view s);
/// "-1.5,2" -> {-1.5, 2}; ConfigError naming --x0 for an item that is not a finite number.
std::vector<double> parse_point(const std::string& text);
/// {"k=100", "a=2"} -> {{"k", 100}, {"a", 2}}; ConfigError naming --param otherwise.
objective::FunctionParameters parse_parameters(const std::vector<std::string>& items);
/// Rows as left-aligned columns, the first row a header.
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace descent::cli
