#include "descent/objective/schedule_factor.hpp"

#include "descent/objective/scalar_formula.hpp"
#include "descent/sched/factor_formula.hpp"

namespace descent::objective {

void install_schedule_factors() {
  sched::set_factor_compiler(
      [](const std::string& text, const std::string& variable, const std::string& where) {
        const ScalarFormula f(text, variable, where);
        return sched::Factor([f](std::int64_t t) { return f(double(t)); });
      });
}

}  // namespace descent::objective
