#include "descent/optim/lion.hpp"

namespace descent::optim {

template <class T>
auto Lion<T>::scalars(const LionOptions& o, std::int64_t) -> Scalars {
  return {.lr = T(o.lr),
          .decay = T(1 - o.lr * o.weight_decay),
          .beta1 = T(o.betas[0]),
          .one_minus_beta1 = T(1 - o.betas[0]),
          .beta2 = T(o.betas[1]),
          .one_minus_beta2 = T(1 - o.betas[1])};
}

template <class T>
void Lion<T>::update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                     T* __restrict m) {
  for (std::size_t i = 0; i < n; ++i) {
    const T g = grad[i];
    const T c = s.beta1 * m[i] + s.one_minus_beta1 * g;  // c = beta1*m + (1-beta1)*g
    const T sign = T(c > 0) - T(c < 0);                  // sign(c), sign(0) = 0
    p[i] = p[i] * s.decay - s.lr * sign;                 // p = p*(1 - lr*wd) - lr*sign(c)
    m[i] = s.beta2 * m[i] + s.one_minus_beta2 * g;       // m = beta2*m + (1-beta2)*g
  }
}

template class Lion<float>;
template class Lion<double>;

}  // namespace descent::optim
