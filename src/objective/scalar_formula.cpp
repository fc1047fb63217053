#include "descent/objective/scalar_formula.hpp"

#include <fmt/format.h>

#include "descent/core/error.hpp"

#ifdef DESCENT_HAVE_GINAC
#include "formula_parser.hpp"
#include "tape.hpp"
#endif

namespace descent::objective {

#ifdef DESCENT_HAVE_GINAC

ScalarFormula::ScalarFormula(std::string_view text, const std::string& variable,
                             const std::string& where)
    : text_(text), variable_(variable) {
  VariablePolicy policy{[&](std::string_view name) { return name == variable; }, {variable}};
  ParsedFormula parsed = parse_formula(text, policy, where);
  auto it = parsed.variables.find(variable);
  const GiNaC::realsymbol t =
      it != parsed.variables.end() ? it->second : GiNaC::realsymbol(variable);
  tape_ = std::make_shared<const Tape>(std::vector<GiNaC::ex>{parsed.expression},
                                       std::vector<GiNaC::realsymbol>{t});
}

double ScalarFormula::operator()(double t) const {
  const double x[1] = {t};
  return tape_->evaluate<double>(x, {});
}

#else

ScalarFormula::ScalarFormula(std::string_view text, const std::string& variable,
                             const std::string& where)
    : text_(text), variable_(variable) {
  throw ConfigError(fmt::format("formula '{}' needs formula support, absent from this build", text),
                    where, "install libginac-dev (scripts/deps.sh) and rebuild");
}

double ScalarFormula::operator()(double) const {
  return 0;
}

#endif

}  // namespace descent::objective
