#include "formula_functions.hpp"

namespace descent::objective::formula_functions {

namespace {
GiNaC::ex dabs_derivative(const GiNaC::ex& a, unsigned) {
  return dsign(a);
}
GiNaC::ex zero_derivative(const GiNaC::ex&, unsigned) {
  return 0;
}
GiNaC::ex dmin_derivative(const GiNaC::ex& a, const GiNaC::ex& b, unsigned param) {
  return param == 0 ? GiNaC::ex(dstep(b - a)) : 1 - dstep(b - a);
}
GiNaC::ex dmax_derivative(const GiNaC::ex& a, const GiNaC::ex& b, unsigned param) {
  return param == 0 ? GiNaC::ex(dstep(a - b)) : 1 - dstep(a - b);
}
}  // namespace

REGISTER_FUNCTION(dabs, derivative_func(dabs_derivative))
REGISTER_FUNCTION(dsign, derivative_func(zero_derivative))
REGISTER_FUNCTION(dstep, derivative_func(zero_derivative))
REGISTER_FUNCTION(dmin, derivative_func(dmin_derivative))
REGISTER_FUNCTION(dmax, derivative_func(dmax_derivative))

}  // namespace descent::objective::formula_functions
