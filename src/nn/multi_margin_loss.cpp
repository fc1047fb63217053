#include "descent/nn/multi_margin_loss.hpp"

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::nn {

template <class T>
double MultiMarginLoss<T>::compute(const ConstRef<T>& output, const ConstRef<T>& target,
                                   Matrix<T>* grad) const {
  const Eigen::Index m = output.rows(), k = output.cols();
  if (!weight_.empty() && Eigen::Index(weight_.size()) != k)
    throw ConfigError(
        fmt::format("{} class weights for a model with {} outputs", weight_.size(), k),
        "loss.weight", "give one weight per class");
  const double scale = 1 / (double(k) * double(m));
  double sum = 0;
  if (grad) grad->setZero();
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto y = Eigen::Index(this->class_id(target, i, k));
    const double w = weight_.empty() ? 1.0 : weight_[std::size_t(y)];
    const double zy = double(output(i, y));
    double active = 0;
    for (Eigen::Index j = 0; j < k; ++j) {
      if (j == y) continue;
      const double h = margin_ - zy + double(output(i, j));  // margin - z_y + z_j
      if (h <= 0) continue;
      sum += w * h;
      active += 1;
      if (grad) (*grad)(i, j) = static_cast<T>(w * scale);
    }
    if (grad) (*grad)(i, y) = static_cast<T>(-active * w * scale);
  }
  return scale * sum;
}

template class MultiMarginLoss<float>;
template class MultiMarginLoss<double>;

}  // namespace descent::nn
