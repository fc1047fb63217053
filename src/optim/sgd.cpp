#include "descent/optim/sgd.hpp"

#include "descent/optim/update_terms.hpp"

namespace descent::optim {

void SGDOptions::check(const std::string& where) const {
  if (nesterov && (momentum <= 0 || dampening != 0))
    throw ConfigError("Nesterov momentum requires a momentum and zero dampening",
                      where + ".nesterov",
                      "set momentum > 0 and dampening = 0, or nesterov = false");
}

template <class T>
auto SGD<T>::scalars(const SGDOptions& o, std::int64_t, SGDGroupState& state) -> Scalars {
  // torch: the buffer is created (b = g) by the first step that uses momentum, and kept after.
  const bool first_step = o.momentum != 0 && !state.momentum_buffer_initialized;
  if (o.momentum != 0) state.momentum_buffer_initialized = true;
  return {.neg_lr = T(-o.lr),
          .momentum = T(o.momentum),
          .one_minus_dampening = T(1 - o.dampening),
          .weight_decay = T(o.weight_decay),
          .sign = T(o.maximize ? -1 : 1),
          .nesterov = o.nesterov,
          .first_step = first_step};
}

// Multiply-adds are rounded as torch's add_(x, alpha=a) rounds them (fmadd.hpp). Momentum and
// Nesterov are template arguments of the loop, so each variant is one branch-free loop the
// compiler vectorizes (a runtime test inside the loop left the momentum path scalar).
template <class T>
void SGD<T>::update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict g,
                    T* __restrict buf) {
  auto loop = [&]<bool Momentum, bool Nesterov>() {
    for (std::size_t i = 0; i < n; ++i) {
      T d = s.sign * g[i];
      d = l2_decayed(d, p[i], s.weight_decay);  // g + wd*p
      if constexpr (Momentum) {
        // b = mu*b + (1-tau)*g
        buf[i] = s.first_step ? d : fmadd(d, s.one_minus_dampening, buf[i] * s.momentum);
        d = Nesterov ? fmadd(buf[i], s.momentum, d) : buf[i];  // g + mu*b
      }
      p[i] = fmadd(d, s.neg_lr, p[i]);  // p - lr*d
    }
  };
  if (s.momentum == 0)
    loop.template operator()<false, false>();
  else if (s.nesterov)
    loop.template operator()<true, true>();
  else
    loop.template operator()<true, false>();
}

template <class T>
auto ClassicMomentum<T>::scalars(const MomentumOptions& o, std::int64_t) -> Scalars {
  return {.lr = T(o.lr), .momentum = T(o.momentum)};
}

template <class T>
void ClassicMomentum<T>::update(const Scalars& s, std::size_t n, T* __restrict p,
                                const T* __restrict g, T* __restrict v) {
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = s.momentum * v[i] - s.lr * g[i];
    p[i] = p[i] + v[i];
  }
}

template class SGD<float>;
template class SGD<double>;
template class ClassicMomentum<float>;
template class ClassicMomentum<double>;

}  // namespace descent::optim
