#pragma once
// Formula factors of the lambda and multiplicative schedulers in sched::make:
//   {"name": "lambda", "factor": "0.95^epoch"}   lr_t = lr0 * f(t)
//   {"name": "multiplicative", "factor": "0.9"}  lr_t = lr_{t-1} * f(t)
// The formula is in `epoch` (or `step`: the same count t = last_epoch, named as the schedule is
// stepped). sched/ has no expression engine (it lives in objective/, a layer above), so a higher
// layer installs the compiler once: objective::install_schedule_factors() (the descent CLI does).
#include <functional>
#include <string>

#include "descent/sched/lambda.hpp"

namespace descent::sched {

/// Compiles `text`, a formula in `variable`, into a Factor; ConfigError naming `where` when bad.
using FactorCompiler = std::function<Factor(const std::string& text, const std::string& variable,
                                            const std::string& where)>;

/// Installs the compiler formula factors use (replacing any before).
void set_factor_compiler(FactorCompiler compile);

/// `text` compiled by the installed compiler, in "step" if the text names it, else in "epoch".
/// ConfigError naming `where` when no compiler is installed or the formula is bad.
Factor compile_factor(const std::string& text, const std::string& where);

}  // namespace descent::sched
