#include "descent/sched/lambda.hpp"

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

namespace {
std::vector<Factor> one_per_group(std::vector<Factor> factors, std::size_t groups,
                                  const char* name) {
  if (factors.size() != groups)
    throw ConfigError(fmt::format("expected {} lr_lambdas, got {}", groups, factors.size()),
                      fmt::format("{}.lr_lambda", name));
  return factors;
}
}  // namespace

LambdaLR::LambdaLR(ParamGroups groups, Factor f, std::string name)
    : LambdaLR(groups, std::vector<Factor>(groups.size(), f), std::move(name)) {}

LambdaLR::LambdaLR(ParamGroups groups, std::vector<Factor> per_group, std::string name)
    : LRScheduler(groups, std::move(name)),
      factors_(one_per_group(std::move(per_group), groups.size(), "lambda")) {
  start();
}

std::vector<double> LambdaLR::get_lr() {
  std::vector<double> lrs(base_lrs_.size());
  for (std::size_t g = 0; g < lrs.size(); ++g) lrs[g] = base_lrs_[g] * factors_[g](last_epoch_);
  return lrs;
}

MultiplicativeLR::MultiplicativeLR(ParamGroups groups, Factor f)
    : MultiplicativeLR(groups, std::vector<Factor>(groups.size(), f)) {}

MultiplicativeLR::MultiplicativeLR(ParamGroups groups, std::vector<Factor> per_group)
    : LRScheduler(groups, "multiplicative"),
      factors_(one_per_group(std::move(per_group), groups.size(), "multiplicative")) {
  start();
}

std::vector<double> MultiplicativeLR::get_lr() {
  std::vector<double> lrs = groups_.lrs();
  if (last_epoch_ > 0)
    for (std::size_t g = 0; g < lrs.size(); ++g) lrs[g] = lrs[g] * factors_[g](last_epoch_);
  return lrs;
}

}  // namespace descent::sched
