#pragma once
// A formula in one named variable, evaluated fast: ScalarFormula("0.95^epoch", "epoch")(3) =
// 0.857375. Same language and error messages as objective::Formula (numbers, pi, e, + - * / ^,
// functions); for factors of learning-rate schedules ({"name": "lambda", "factor": "0.95^epoch"}).
#include <memory>
#include <string>
#include <string_view>

namespace descent::objective {

class Tape;

class ScalarFormula {
 public:
  /// ConfigError naming `where` for a syntax error (caret under the column) or an unknown name
  /// (with "did you mean"); also when GiNaC is not in this build.
  ScalarFormula(std::string_view text, const std::string& variable,
                const std::string& where = "formula");

  /// The formula at variable = t.
  double operator()(double t) const;
  const std::string& text() const { return text_; }
  const std::string& variable() const { return variable_; }

 private:
  std::string text_, variable_;
  std::shared_ptr<const Tape> tape_;
};

}  // namespace descent::objective
