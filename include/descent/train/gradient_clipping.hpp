#pragma once
// Gradient clipping, as torch.nn.utils (1.13):
//   clip_grad_norm_:  total = ||g||_2 over all gradients; c = max_norm / (total + 1e-6);
//                     g *= min(c, 1)  (total accumulated in double, c rounded to T once)
//   clip_grad_value_: g = clamp(g, -clip_value, clip_value)
// and a callback applying them before every optimizer step.
#include "descent/core/params.hpp"
#include "descent/train/callback.hpp"

namespace descent::train {

/// Scales the gradients so their global L2 norm is at most max_norm; returns the norm before.
template <class T>
double clip_grad_norm(Params<T>& params, double max_norm);

/// Clamps every gradient element to [-clip_value, clip_value].
template <class T>
void clip_grad_value(Params<T>& params, double clip_value);

struct ClippingOptions {
  double max_norm = 0;    // 0 = off
  double clip_value = 0;  // 0 = off
};

template <class T>
class GradientClipping final : public Callback<T> {
 public:
  explicit GradientClipping(ClippingOptions options);
  std::string name() const override { return "gradient_clipping"; }
  bool on_before_step(Trainer<T>& trainer) override;

 private:
  ClippingOptions options_;
};

extern template class GradientClipping<float>;
extern template class GradientClipping<double>;

}  // namespace descent::train
