#include "descent/sched/factor_formula.hpp"

#include <regex>

#include "descent/core/error.hpp"

namespace descent::sched {

namespace {
FactorCompiler& compiler() {
  static FactorCompiler installed;
  return installed;
}
}  // namespace

void set_factor_compiler(FactorCompiler compile) {
  compiler() = std::move(compile);
}

Factor compile_factor(const std::string& text, const std::string& where) {
  if (!compiler())
    throw ConfigError("formula factors need the expression engine, which is not installed", where,
                      "call objective::install_schedule_factors() once before sched::make");
  static const std::regex names_step(R"(\bstep\b)");
  return compiler()(text, std::regex_search(text, names_step) ? "step" : "epoch", where);
}

}  // namespace descent::sched
