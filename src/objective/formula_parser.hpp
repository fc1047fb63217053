#pragma once
// The formula language, parsed into a GiNaC expression: numbers in C notation (2, 0.5, .5, 1e-3,
// 0x1p-3), variables, the constants pi and e, + - * / ^ (also **, right-associative, binding
// tighter than unary minus: -x^2 = -(x^2)), parentheses and the functions of
// formula_function_names(). Errors are ConfigErrors whose message shows the formula with a caret
// under the offending column.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <ginac/ginac.h>

#include "descent/objective/formula.hpp"  // formula_function_names()

namespace descent::objective {

struct ParsedFormula {
  GiNaC::ex expression;
  /// The variables the formula uses, by name, with the column of their first use.
  std::map<std::string, GiNaC::realsymbol, std::less<>> variables;
  std::map<std::string, std::size_t, std::less<>> first_column;
};

/// Which identifiers are variables, and the names a "did you mean" suggests.
struct VariablePolicy {
  std::function<bool(std::string_view)> is_variable;
  std::vector<std::string> suggestions;
};

/// Parses `text`; `where` names the input in errors (e.g. "--function").
ParsedFormula parse_formula(std::string_view text, const VariablePolicy& policy,
                            const std::string& where);

/// Throws ConfigError(where): "<message>" then the formula and a caret under `column` (0-based).
[[noreturn]] void formula_error(std::string_view text, std::size_t column,
                                const std::string& message, const std::string& where);

}  // namespace descent::objective
