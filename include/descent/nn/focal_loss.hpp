#pragma once
// Focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection"): cross-entropy scaled by
// (1 - p_t)^gamma, which down-weights well-classified examples.
//
// BinaryFocalLoss: torchvision.ops.sigmoid_focal_loss, mean over all n elements. p = sigma(z),
//   p_t = p y + (1 - p)(1 - y),  alpha_t = alpha y + (1 - alpha)(1 - y)  (alpha < 0: alpha_t = 1),
//   FL = alpha_t (1 - p_t)^gamma CE(z, y),  CE = the stable BCE with logits;
//   dFL/dz = alpha_t [(p - y) q^gamma + gamma q^(gamma-1) p (1 - p)(1 - 2y) CE],  q = 1 - p_t.
//
// FocalLoss (multiclass, softmax; torch has no such function, this is the paper's formula with
// softmax probabilities): per row, p_t = softmax(z)_y, q = 1 - p_t (computed as sum_{c != y} p_c),
//   FL = -w_y q^gamma log p_t,  L = (1/m) sum_i FL_i  (plain mean; w = class weights, default 1);
//   dFL/dz_j = w_y (p_j - 1[j = y]) [q^gamma - gamma q^(gamma-1) p_t log p_t].
// gamma = 0 gives the (unnormalized-weight) cross-entropy.
#include "descent/nn/loss.hpp"

namespace descent::nn {

template <class T>
class BinaryFocalLoss final : public Loss<T> {
 public:
  explicit BinaryFocalLoss(double gamma = 2, double alpha = 0.25);
  std::string name() const override { return "binary_focal"; }
  TargetKind target_kind() const override { return TargetKind::Values; }

 protected:
  double compute(const ConstRef<T>& output, const ConstRef<T>& target,
                 Matrix<T>* grad) const override;

 private:
  double gamma_, alpha_;
};

template <class T>
class FocalLoss final : public Loss<T> {
 public:
  explicit FocalLoss(double gamma = 2, std::vector<double> weight = {});
  std::string name() const override { return "focal"; }
  TargetKind target_kind() const override { return TargetKind::ClassIndex; }

 protected:
  double compute(const ConstRef<T>& output, const ConstRef<T>& target,
                 Matrix<T>* grad) const override;

 private:
  double gamma_;
  std::vector<double> weight_;
  mutable std::vector<double> logp_;
};

extern template class BinaryFocalLoss<float>;
extern template class BinaryFocalLoss<double>;
extern template class FocalLoss<float>;
extern template class FocalLoss<double>;

}  // namespace descent::nn
