#pragma once
// Formula factors for the lambda and multiplicative schedulers (sched/factor_formula.hpp), compiled
// by objective::ScalarFormula: {"name": "lambda", "factor": "0.95^epoch"}.
namespace descent::objective {

/// Installs ScalarFormula as sched's factor compiler. Idempotent; without GiNaC, a formula factor
/// is the ConfigError ScalarFormula gives (formulas_available() says which).
void install_schedule_factors();

}  // namespace descent::objective
