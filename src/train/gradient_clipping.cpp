#include "descent/train/gradient_clipping.hpp"

#include <algorithm>

#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train {

template <class T>
double clip_grad_norm(Params<T>& params, double max_norm) {
  const double total = params.grad_norm();
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1) {
    const T c = static_cast<T>(coef);
    T* g = params.grads().data();
    parallel_for(params.size(), [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) g[i] *= c;
    });
  }
  return total;
}

template <class T>
void clip_grad_value(Params<T>& params, double clip_value) {
  const T hi = static_cast<T>(clip_value), lo = -hi;
  T* g = params.grads().data();
  parallel_for(params.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) g[i] = std::clamp(g[i], lo, hi);
  });
}

template <class T>
GradientClipping<T>::GradientClipping(ClippingOptions options) : options_(options) {
  if (!(options_.max_norm >= 0)) throw ConfigError("must be >= 0", "train.clip_norm");
  if (!(options_.clip_value >= 0)) throw ConfigError("must be >= 0", "train.clip_value");
}

template <class T>
bool GradientClipping<T>::on_before_step(Trainer<T>& trainer) {
  if (options_.clip_value > 0) clip_grad_value(trainer.params(), options_.clip_value);
  if (options_.max_norm > 0) clip_grad_norm(trainer.params(), options_.max_norm);
  return true;
}

template double clip_grad_norm(Params<float>&, double);
template double clip_grad_norm(Params<double>&, double);
template void clip_grad_value(Params<float>&, double);
template void clip_grad_value(Params<double>&, double);
template class GradientClipping<float>;
template class GradientClipping<double>;

}  // namespace descent::train
