#pragma once
// GiNaC functions for the non-smooth parts of formulas, with the derivatives optimizers use:
//   dabs(a)    = |a|,            d/da = dsign(a)
//   dsign(a)   = sign(a),        d/da = 0
//   dstep(t)   = 1 if t >= 0 else 0, d/dt = 0
//   dmin(a, b) = min(a, b),      d/da = dstep(b - a), d/db = 1 - dstep(b - a)
//   dmax(a, b) = max(a, b),      d/da = dstep(a - b), d/db = 1 - dstep(a - b)
// (GiNaC's own abs differentiates to a/|a|, NaN at 0; GiNaC has no min/max.)
#include <ginac/ginac.h>

namespace descent::objective::formula_functions {

DECLARE_FUNCTION_1P(dabs)
DECLARE_FUNCTION_1P(dsign)
DECLARE_FUNCTION_1P(dstep)
DECLARE_FUNCTION_2P(dmin)
DECLARE_FUNCTION_2P(dmax)

}  // namespace descent::objective::formula_functions
