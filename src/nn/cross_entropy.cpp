#include "descent/nn/cross_entropy.hpp"

#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "log_softmax.hpp"

namespace descent::nn {

template <class T>
CrossEntropyLoss<T>::CrossEntropyLoss(double label_smoothing, std::vector<double> weight)
    : eps_(label_smoothing), weight_(std::move(weight)) {
  if (!(eps_ >= 0 && eps_ <= 1))
    throw ConfigError(fmt::format("label_smoothing must be between 0.0 and 1.0, got {}", eps_),
                      "loss.label_smoothing");
}

template <class T>
double CrossEntropyLoss<T>::compute(const ConstRef<T>& output, const ConstRef<T>& target,
                                    Matrix<T>* grad) const {
  const Eigen::Index m = output.rows(), k = output.cols();
  const bool weighted = !weight_.empty();
  if (weighted && Eigen::Index(weight_.size()) != k)
    throw ConfigError(
        fmt::format("{} class weights for a model with {} outputs", weight_.size(), k),
        "loss.weight", "give one weight per class");
  auto w = [&](Eigen::Index c) { return weighted ? weight_[std::size_t(c)] : 1.0; };
  double W = 0, S = 0;  // W = sum_c w_c, S = sum_i w_{y_i}
  for (Eigen::Index c = 0; c < k; ++c) W += w(c);
  for (Eigen::Index i = 0; i < m; ++i) S += w(Eigen::Index(this->class_id(target, i, k)));
  logp_.resize(std::size_t(k));
  const double a = 1 - eps_, b = eps_ / double(k);
  double nll = 0, smooth = 0;
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto y = Eigen::Index(this->class_id(target, i, k));
    detail::log_softmax(output.row(i), std::size_t(k), logp_.data());
    nll -= w(y) * logp_[std::size_t(y)];
    for (Eigen::Index c = 0; c < k; ++c) smooth -= w(c) * logp_[std::size_t(c)];
    if (!grad) continue;
    for (Eigen::Index j = 0; j < k; ++j) {
      double p = std::exp(logp_[std::size_t(j)]);
      double g = a * w(y) * (p - (j == y ? 1.0 : 0.0)) + b * (W * p - w(j));
      (*grad)(i, j) = static_cast<T>(g / S);
    }
  }
  return a * nll / S + b * smooth / S;
}

template <class T>
double CrossEntropyLoss<T>::batch_weight(const ConstRef<T>& target) const {
  if (weight_.empty()) return static_cast<double>(target.rows());
  const auto k = Eigen::Index(weight_.size());
  double S = 0;
  for (Eigen::Index i = 0; i < target.rows(); ++i) S += weight_[this->class_id(target, i, k)];
  return S;
}

template class CrossEntropyLoss<float>;
template class CrossEntropyLoss<double>;

}  // namespace descent::nn
