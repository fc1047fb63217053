#include "descent/optim/lion.hpp"

namespace descent::optim {

void LionOptions::validate(const std::string& name) const {
  check_nonnegative(name, "lr", lr);
  check_betas(name, betas);
  check_nonnegative(name, "weight_decay", weight_decay);
}

template <class T>
auto Lion<T>::scalars(const LionOptions& o, std::int64_t) -> Scalars {
  return {T(o.lr),       T(1 - o.lr * o.weight_decay),
          T(o.betas[0]), T(1 - o.betas[0]),
          T(o.betas[1]), T(1 - o.betas[1])};
}

template <class T>
void Lion<T>::update(const Scalars& s, Slice<T, 1> x) {
  T* __restrict m = x.state[0];
  for (std::size_t i = 0; i < x.n; ++i) {
    const T g = x.g[i];
    const T c = s.beta1 * m[i] + s.one_minus_beta1 * g;  // c = beta1*m + (1-beta1)*g
    const T sign = T(c > 0) - T(c < 0);                  // sign(c), sign(0) = 0
    x.p[i] = x.p[i] * s.decay - s.lr * sign;             // p = p*(1 - lr*wd) - lr*sign(c)
    m[i] = s.beta2 * m[i] + s.one_minus_beta2 * g;       // m = beta2*m + (1-beta2)*g
  }
}

template class Lion<float>;
template class Lion<double>;

}  // namespace descent::optim
