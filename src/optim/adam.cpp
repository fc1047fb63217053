#include "descent/optim/adam.hpp"

#include <cmath>

namespace descent::optim {

void AdamOptions::validate(const std::string& name) const {
  check_nonnegative(name, "lr", lr);
  check_nonnegative(name, "eps", eps);
  check_betas(name, betas);
  check_nonnegative(name, "weight_decay", weight_decay);
}

template <class T, class Opts, bool Decoupled>
auto AdamFamily<T, Opts, Decoupled>::scalars(const Opts& o, std::int64_t step) -> Scalars {
  const double t = double(step);
  const double bias_correction1 = 1 - std::pow(o.betas[0], t);
  const double bias_correction2 = 1 - std::pow(o.betas[1], t);
  const double step_size = o.lr / bias_correction1;
  return {T(o.maximize ? -1 : 1),
          T(Decoupled ? 1 - o.lr * o.weight_decay : 1),
          T(Decoupled ? 0 : o.weight_decay),
          T(o.betas[0]),
          T(1 - o.betas[0]),
          T(o.betas[1]),
          T(1 - o.betas[1]),
          T(std::sqrt(bias_correction2)),
          T(o.eps),
          T(-step_size),
          o.amsgrad};
}

template <class T, class Opts, bool Decoupled>
void AdamFamily<T, Opts, Decoupled>::update(const Scalars& s, Slice<T, 3> x) {
  T* __restrict m = x.state[0];
  T* __restrict v = x.state[1];
  T* __restrict v_max = x.state[2];
  for (std::size_t i = 0; i < x.n; ++i) {
    T g = s.sign * x.g[i];
    T p = x.p[i];
    if constexpr (Decoupled) p = p * s.decay;
    else if (s.l2 != 0) g = g + s.l2 * p;
    m[i] = m[i] * s.beta1 + s.one_minus_beta1 * g;
    v[i] = v[i] * s.beta2 + s.one_minus_beta2 * g * g;
    T second = v[i];
    if (s.amsgrad) second = v_max[i] = std::max(v_max[i], v[i]);
    const T denom = std::sqrt(second) / s.bias_correction2_sqrt + s.eps;
    x.p[i] = p + s.neg_step_size * m[i] / denom;
  }
}

template class AdamFamily<float, AdamOptions, false>;
template class AdamFamily<double, AdamOptions, false>;
template class AdamFamily<float, AdamWOptions, true>;
template class AdamFamily<double, AdamWOptions, true>;

}  // namespace descent::optim
