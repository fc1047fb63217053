#pragma once
// Options of an optimizer: torch's keyword arguments, declared once per optimizer with visit()
// and the rules of core/options.hpp, in torch's order:
//   v("lr", lr, "learning rate", options::at_least(0));
// From that list come JSON parsing (strict), validation with torch's ranges, JSON output, access
// by name for schedulers, and the option table of `descent optimizers`.
#include "descent/core/options.hpp"

namespace descent::optim {

/// (beta1, beta2), torch's `betas`.
using Betas = options::Pair;

}  // namespace descent::optim
