#pragma once
// An objective typed as a formula, e.g. Formula::parse("(1-x)^2 + 100*(y-x^2)^2"): GiNaC parses it
// and differentiates it symbolically once (gradient and Hessian are exact), and the three are
// compiled to one straight-line tape each (objective/tape) that evaluates them fast. Variables are
// x, y (dimension 1 or 2) or x1..xn; see formula_parser for the language. Satisfies
// TwiceDifferentiable. Built only when GiNaC is found (formulas_available()); otherwise parse()
// throws a ConfigError saying so.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace descent::objective {

/// Whether this build has formula support (GiNaC).
bool formulas_available();
/// The function names formulas may call (exp, log, sqrt, sin, ..., min, max), sorted.
std::vector<std::string> formula_function_names();

class Formula {
 public:
  /// Parses `text` over `dimension` variables (0: as many as the variables used need: x -> 1,
  /// y -> 2, xk -> k). ConfigError naming `where` for a syntax error (with a caret under the
  /// column), an unknown name (with "did you mean"), or a variable beyond the dimension.
  static Formula parse(std::string_view text, std::size_t dimension = 0,
                       const std::string& where = "formula");

  std::size_t dimension() const;
  double value(std::span<const double> x) const;
  void gradient(std::span<const double> x, std::span<double> g) const;
  double value_and_gradient(std::span<const double> x, std::span<double> g) const;
  void hessian(std::span<const double> x, std::span<double> h) const;

  /// The formula as typed.
  const std::string& text() const;
  /// The names of the coordinates, in order: {"x", "y"} or {"x1", ..., "xn"}.
  const std::vector<std::string>& variable_names() const;
  /// The symbolic partial derivatives df/dx_i as GiNaC prints them.
  std::vector<std::string> gradient_text() const;

  struct Impl;

 private:
  explicit Formula(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace descent::objective
