#include "descent/objective/function_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/objective/formula.hpp"

namespace descent::objective {

namespace {

/// A name rather than a formula: an identifier, or with dashes ("ill-conditioned") when it is close
/// to a built-in's name (so that "x-y" stays a formula).
bool is_name(std::string_view s) {
  const bool word = !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') &&
                    std::all_of(s.begin(), s.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                    });
  if (!word) return false;
  if (s.find('-') == std::string_view::npos) return true;
  std::vector<std::string> names;
  for (const auto& info : registry()) names.push_back(info.name);
  return !closest_match(std::string(s), names).empty();
}

/// x, y, x1, x2, ...: a formula that is one variable.
bool is_variable(std::string_view s) {
  if (s == "x" || s == "y") return true;
  return s.size() >= 2 && s[0] == 'x' && s[1] != '0' &&
         std::all_of(s.begin() + 1, s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

bool is_builtin(std::string_view text) {
  return std::any_of(registry().begin(), registry().end(),
                     [&](const FunctionInfo& info) { return info.name == text; });
}

std::unique_ptr<Function> make_function(std::string_view text, const FunctionParameters& parameters,
                                        std::size_t dimension, const std::string& where) {
  if (is_builtin(text) || (is_name(text) && !is_variable(text) && text != "pi" && text != "e"))
    return make(text, parameters);  // a name: a built-in, or an unknown one with "did you mean"
  if (!parameters.empty())
    throw ConfigError(
        fmt::format("a formula takes no parameters, got '{}'", parameters.begin()->first),
        "--param", "write the numbers into the formula");
  return erase(Formula::parse(text, dimension, where));
}

void check_finite_at(const Function& f, std::span<const double> x, const std::string& where) {
  std::vector<double> g(f.dimension());
  const double value = f.value_and_gradient(x, g);
  const std::string at = fmt::format("({})", fmt::join(x, ", "));
  if (!std::isfinite(value))
    throw ConfigError(fmt::format("f{} = {} is not finite at the start point", at, value), where,
                      "choose another start point with --x0");
  for (std::size_t i = 0; i < g.size(); ++i)
    if (!std::isfinite(g[i]))
      throw ConfigError(fmt::format("the gradient at the start point {} is not finite: component "
                                    "{} = {}",
                                    at, i + 1, g[i]),
                        where, "choose another start point with --x0");
}

}  // namespace descent::objective
