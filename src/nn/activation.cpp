#include "descent/nn/activation.hpp"

#include <numbers>

#include <fmt/format.h>
#include <unsupported/Eigen/SpecialFunctions>

#include "descent/core/error.hpp"

namespace descent::nn {

template <class T>
const Matrix<T>& Activation<T>::forward(const ConstRef<T>& x) {
  x_.set(x);
  ensure_shape(y_, x.rows(), x.cols());
  apply(x_.get(), y_);
  return y_;
}

template <class T>
const Matrix<T>& Activation<T>::backward(const ConstRef<T>& dy) {
  if (dy.rows() != y_.rows() || dy.cols() != y_.cols())
    throw UsageError(fmt::format("backward got a {}x{} gradient after a forward of {}x{}",
                                 dy.rows(), dy.cols(), y_.rows(), y_.cols()),
                     this->describe(), "call forward and backward on the same batch");
  ensure_shape(dx_, dy.rows(), dy.cols());
  gradient(x_.get(), y_, dy, dx_);
  return dx_;
}

template <class T>
void ReLU<T>::apply(const typename InputCache<T>::View& z, Matrix<T>& a) const {
  a.array() = z.array().max(T(0));
}

template <class T>
void ReLU<T>::gradient(const typename InputCache<T>::View& /*z*/, const Matrix<T>& a,
                       const ConstRef<T>& da, Matrix<T>& dz) const {
  // 1[z > 0] == 1[a > 0] for ReLU; reading a keeps the input out of the cache traffic.
  dz.array() = (a.array() > T(0)).select(da.array(), T(0));
}

template <class T>
std::string LeakyReLU<T>::describe() const {
  return fmt::format("LeakyReLU(negative_slope={})", slope_);
}

template <class T>
void LeakyReLU<T>::apply(const typename InputCache<T>::View& z, Matrix<T>& a) const {
  a.array() = (z.array() > T(0)).select(z.array(), z.array() * T(slope_));
}

template <class T>
void LeakyReLU<T>::gradient(const typename InputCache<T>::View& z, const Matrix<T>& /*a*/,
                            const ConstRef<T>& da, Matrix<T>& dz) const {
  dz.array() = (z.array() > T(0)).select(da.array(), da.array() * T(slope_));
}

template <class T>
void Sigmoid<T>::apply(const typename InputCache<T>::View& z, Matrix<T>& a) const {
  a.array() = (T(1) + (-z.array()).exp()).inverse();
}

template <class T>
void Sigmoid<T>::gradient(const typename InputCache<T>::View& /*z*/, const Matrix<T>& a,
                          const ConstRef<T>& da, Matrix<T>& dz) const {
  dz.array() = da.array() * (T(1) - a.array()) * a.array();
}

template <class T>
void Tanh<T>::apply(const typename InputCache<T>::View& z, Matrix<T>& a) const {
  a.array() = z.array().tanh();
}

template <class T>
void Tanh<T>::gradient(const typename InputCache<T>::View& /*z*/, const Matrix<T>& a,
                       const ConstRef<T>& da, Matrix<T>& dz) const {
  dz.array() = da.array() * (T(1) - a.array().square());
}

template <class T>
void GELU<T>::apply(const typename InputCache<T>::View& z, Matrix<T>& a) const {
  const T inv_sqrt2 = T(1 / std::numbers::sqrt2);
  a.array() = T(0.5) * z.array() * (T(1) + (z.array() * inv_sqrt2).erf());
}

template <class T>
void GELU<T>::gradient(const typename InputCache<T>::View& z, const Matrix<T>& /*a*/,
                       const ConstRef<T>& da, Matrix<T>& dz) const {
  const T inv_sqrt2 = T(1 / std::numbers::sqrt2);
  const T inv_sqrt_2pi = T(std::numbers::inv_sqrtpi / std::numbers::sqrt2);
  auto cdf = T(0.5) * (T(1) + (z.array() * inv_sqrt2).erf());      // Phi(z)
  auto pdf = (T(-0.5) * z.array().square()).exp() * inv_sqrt_2pi;  // phi(z)
  dz.array() = da.array() * (cdf + z.array() * pdf);
}

template class Activation<float>;
template class Activation<double>;
template class ReLU<float>;
template class ReLU<double>;
template class LeakyReLU<float>;
template class LeakyReLU<double>;
template class Sigmoid<float>;
template class Sigmoid<double>;
template class Tanh<float>;
template class Tanh<double>;
template class GELU<float>;
template class GELU<double>;

}  // namespace descent::nn
