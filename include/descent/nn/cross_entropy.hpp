#pragma once
// Softmax cross-entropy with logits, exactly torch's F.cross_entropy (1.13) with class weights w
// and label smoothing eps, reduction='mean'. With log p_ic = z_ic - logsumexp_c(z_i) (stable:
// logsumexp(z) = max z + log sum_c e^(z_c - max z)) and S = sum_i w_{y_i}:
//   L = (1 - eps) sum_i -w_{y_i} log p_{i,y_i} / S  +  (eps / K) sum_i sum_c -w_c log p_ic / S
//   dL/dz_ij = [(1 - eps) w_{y_i} (p_ij - 1[j = y_i]) + (eps / K)(W p_ij - w_j)] / S,  W = sum_c
//   w_c
// Without weights w = 1 and S = batch size; with eps = 0, dL/dz = (p - onehot(y)) / m (the course's
// softmax-CE gradient). torch's smoothing puts eps/K on every class (1 - eps + eps/K on the
// target), not the eps/(K-1) of some texts.
#include "descent/nn/loss.hpp"

namespace descent::nn {

template <class T>
class CrossEntropyLoss final : public Loss<T> {
 public:
  explicit CrossEntropyLoss(double label_smoothing = 0, std::vector<double> weight = {});
  std::string name() const override { return "cross_entropy"; }
  TargetKind target_kind() const override { return TargetKind::ClassIndex; }
  /// S = sum_i w_{y_i}, the denominator of the weighted mean.
  double batch_weight(const ConstRef<T>& target) const override;

 protected:
  double compute(const ConstRef<T>& output, const ConstRef<T>& target,
                 Matrix<T>* grad) const override;

 private:
  double eps_;
  std::vector<double> weight_;
  mutable std::vector<double> logp_;  // one row's log-probabilities (no allocation per call)
};

extern template class CrossEntropyLoss<float>;
extern template class CrossEntropyLoss<double>;

}  // namespace descent::nn
