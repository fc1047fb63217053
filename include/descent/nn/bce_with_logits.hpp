#pragma once
// Binary cross-entropy with logits, torch's F.binary_cross_entropy_with_logits (mean over all n
// elements), in the stable form that never takes log(0) or exp of a large positive number:
//   l(z, y) = (1 - y) z + max(-z, 0) + log(e^(-max(-z,0)) + e^(-z - max(-z,0)))
//           = -[y log sigma(z) + (1 - y) log(1 - sigma(z))]
//   dl/dz = sigma(z) - y   (the course's "neat cancellation")
#include "descent/nn/loss.hpp"

namespace descent::nn {

template <class T>
class BCEWithLogitsLoss final : public Loss<T> {
 public:
  std::string name() const override { return "bce_with_logits"; }
  TargetKind target_kind() const override { return TargetKind::Values; }

 protected:
  double compute(const ConstRef<T>& output, const ConstRef<T>& target,
                 Matrix<T>* grad) const override;
};

extern template class BCEWithLogitsLoss<float>;
extern template class BCEWithLogitsLoss<double>;

}  // namespace descent::nn
