#pragma once
// Multiclass hinge (SVM) loss, torch's F.multi_margin_loss with p = 1 (Weston & Watkins /
// CS231n's SVM loss up to the 1/K factor): per row with target y,
//   l_i = (1/K) sum_{j != y} w_y max(0, margin - z_y + z_j),   L = (1/m) sum_i l_i
//   dL/dz_j = w_y / (K m) for each active j != y (margin - z_y + z_j > 0), dL/dz_y = -sum of those.
#include "descent/nn/loss.hpp"

namespace descent::nn {

template <class T>
class MultiMarginLoss final : public Loss<T> {
 public:
  explicit MultiMarginLoss(double margin = 1, std::vector<double> weight = {})
      : margin_(margin), weight_(std::move(weight)) {}
  std::string name() const override { return "multi_margin"; }
  TargetKind target_kind() const override { return TargetKind::ClassIndex; }

 protected:
  double compute(const ConstRef<T>& output, const ConstRef<T>& target,
                 Matrix<T>* grad) const override;

 private:
  double margin_;
  std::vector<double> weight_;
};

extern template class MultiMarginLoss<float>;
extern template class MultiMarginLoss<double>;

}  // namespace descent::nn
