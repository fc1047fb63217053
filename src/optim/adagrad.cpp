#include "descent/optim/adagrad.hpp"

#include <cmath>

#include "descent/optim/update_terms.hpp"

namespace descent::optim {

template <class T>
auto Adagrad<T>::scalars(const AdagradOptions& o, std::int64_t step) -> Scalars {
  const double lr_t = o.lr / (1 + double(step - 1) * o.lr_decay);
  return {.sign = T(o.maximize ? -1 : 1),
          .weight_decay = T(o.weight_decay),
          .neg_lr_t = T(-lr_t),
          .eps = T(o.eps)};
}

// Multiply-adds are rounded as torch's add_(x, alpha=a) and addcmul_ round them (fmadd.hpp).
template <class T>
void Adagrad<T>::update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                        T* __restrict sum) {
  for (std::size_t i = 0; i < n; ++i) {
    const T g = l2_decayed(s.sign * grad[i], p[i], s.weight_decay);  // g = ±grad + wd*p
    sum[i] = fmadd(g, g, sum[i]);                                    // G = G + g^2
    const T std = std::sqrt(sum[i]) + s.eps;
    p[i] = p[i] + s.neg_lr_t * g / std;  // p = p - lr_t * g / (sqrt(G) + eps)
  }
}

template class Adagrad<float>;
template class Adagrad<double>;

}  // namespace descent::optim
