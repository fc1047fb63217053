#include "descent/nn/regression_loss.hpp"

namespace descent::nn {

template <class T, class Term>
double ElementwiseLoss<T, Term>::compute(const ConstRef<T>& output, const ConstRef<T>& target,
                                         Matrix<T>* grad) const {
  const double n = double(output.size());
  const double scale = Term::scale(double(output.rows()), n);
  double sum = 0;
  for (Eigen::Index i = 0; i < output.rows(); ++i)
    for (Eigen::Index j = 0; j < output.cols(); ++j) {
      double d = double(output(i, j)) - double(target(i, j));
      sum += term_.value(d);
      if (grad) (*grad)(i, j) = static_cast<T>(scale * term_.derivative(d));
    }
  return scale * sum;
}

template class ElementwiseLoss<float, SquaredError>;
template class ElementwiseLoss<double, SquaredError>;
template class ElementwiseLoss<float, HalfSquaredError>;
template class ElementwiseLoss<double, HalfSquaredError>;
template class ElementwiseLoss<float, AbsoluteError>;
template class ElementwiseLoss<double, AbsoluteError>;
template class ElementwiseLoss<float, HuberError>;
template class ElementwiseLoss<double, HuberError>;

}  // namespace descent::nn
