#include "descent/nn/bce_with_logits.hpp"

#include <algorithm>
#include <cmath>

#include "sigmoid.hpp"

namespace descent::nn {

template <class T>
double BCEWithLogitsLoss<T>::compute(const ConstRef<T>& output, const ConstRef<T>& target,
                                     Matrix<T>* grad) const {
  const double scale = 1 / double(output.size());
  double sum = 0;
  for (Eigen::Index i = 0; i < output.rows(); ++i)
    for (Eigen::Index j = 0; j < output.cols(); ++j) {
      const double z = double(output(i, j)), y = double(target(i, j));
      sum += detail::bce_with_logits(z, y);
      if (grad) (*grad)(i, j) = static_cast<T>(scale * (detail::sigmoid(z) - y));  // sigma(z) - y
    }
  return scale * sum;
}

template class BCEWithLogitsLoss<float>;
template class BCEWithLogitsLoss<double>;

}  // namespace descent::nn
