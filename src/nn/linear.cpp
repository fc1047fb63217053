#include "descent/nn/linear.hpp"

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::nn {

template <class T>
Linear<T>::Linear(std::size_t in_features, std::size_t out_features, bool bias)
    : in_(in_features), out_(out_features), has_bias_(bias) {
  if (in_ == 0 || out_ == 0)
    throw ConfigError("a linear layer needs at least one input and one output feature", describe(),
                      "check the model's input and output dimensions");
}

template <class T>
std::string Linear<T>::describe() const {
  return fmt::format("Linear(in_features={}, out_features={}, bias={})", in_, out_,
                     has_bias_ ? "True" : "False");
}

template <class T>
void Linear<T>::declare(Params<T>& params, const std::string& prefix, const ParamGroups& groups) {
  weight_id_ = params.add(prefix + "weight", {out_, in_}, groups.weight);
  if (has_bias_) bias_id_ = params.add(prefix + "bias", {out_}, groups.bias);
}

template <class T>
void Linear<T>::bind(Params<T>& params) {
  if (!weight_id_)
    throw UsageError("bind() before declare()", describe(), "declare, allocate, bind");
  auto w = params.tensor(*weight_id_);
  views_.w = w.value.data(), views_.gw = w.grad.data();
  if (bias_id_) {
    auto b = params.tensor(*bias_id_);
    views_.b = b.value.data(), views_.gb = b.grad.data();
  }
}

template <class T>
void Linear<T>::throw_unbound() const {
  throw UsageError("linear layer used before bind()", describe(),
                   "declare its tensors, allocate the Params, then bind()");
}

template <class T>
std::size_t Linear<T>::output_dim(std::size_t input_dim) const {
  if (input_dim != in_)
    throw UsageError(fmt::format("input has {} features, the layer expects {}", input_dim, in_),
                     describe());
  return out_;
}

template <class T>
const Matrix<T>& Linear<T>::forward(ConstRef<T> x) {
  if (x.cols() != Eigen::Index(in_)) output_dim(static_cast<std::size_t>(x.cols()));  // throws
  x_.set(x);
  y_.resize(x.rows(), Eigen::Index(out_));
  y_.noalias() = x * weight().transpose();  // Z = X W^T
  if (has_bias_) y_.rowwise() += bias();    //   + 1 b^T
  return y_;
}

template <class T>
const Matrix<T>& Linear<T>::backward(ConstRef<T> dy) {
  if (dy.rows() != x_.rows() || dy.cols() != Eigen::Index(out_))
    throw UsageError(fmt::format("backward got a {}x{} gradient after a forward of {} rows",
                                 dy.rows(), dy.cols(), x_.rows()),
                     describe(), "call forward and backward on the same batch");
  weight_grad().noalias() += dy.transpose() * x_.get();  // dW += dZ^T X
  if (has_bias_) bias_grad() += dy.colwise().sum();      // db += 1^T dZ
  if (!needs_input_grad_) {
    dx_.resize(0, 0);
    return dx_;
  }
  dx_.resize(dy.rows(), Eigen::Index(in_));
  dx_.noalias() = dy * weight();  // dX = dZ W
  return dx_;
}

template class Linear<float>;
template class Linear<double>;

}  // namespace descent::nn
