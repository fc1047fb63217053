#pragma once
// The element-wise terms the update rules share, each rounded as torch's step rounds it
// (fmadd.hpp): the L2-decayed gradient and the exponential moving averages of g and g^2 that
// SGD, Adagrad, RMSprop, Adadelta and the Adam family (Adam, AdamW, Adamax, NAdam, RAdam) build on.
#include "descent/optim/fmadd.hpp"

namespace descent::optim {

/// L2 weight decay added to the gradient: g + wd*p (torch: grad.add(p, alpha=wd); g as is when
/// wd = 0).
template <class T>
inline T l2_decayed(T g, T p, T weight_decay) {
  return weight_decay != 0 ? fmadd(p, weight_decay, g) : g;
}

/// Exponential moving average: a = beta*a + (1-beta)*x (torch: a.mul_(beta).add_(x, alpha=1-beta)).
template <class T>
inline T ema(T a, T x, T beta, T one_minus_beta) {
  return fmadd(x, one_minus_beta, a * beta);
}

/// Exponential moving average of squares: a = beta*a + (1-beta)*x^2
/// (torch: a.mul_(beta).addcmul_(x, x, value=1-beta)).
template <class T>
inline T ema_square(T a, T x, T beta, T one_minus_beta) {
  return fmadd(one_minus_beta * x, x, a * beta);
}

}  // namespace descent::optim
