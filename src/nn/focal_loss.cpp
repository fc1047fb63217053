#include "descent/nn/focal_loss.hpp"

#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "log_softmax.hpp"
#include "sigmoid.hpp"

namespace descent::nn {

namespace {
void check_gamma(double gamma) {
  if (!(gamma >= 0))
    throw ConfigError(fmt::format("focal gamma must be non-negative, got {}", gamma), "loss.gamma");
}
/// gamma q^(gamma - 1), taken as 0 when q = 0 (the factor it multiplies vanishes there too).
double focal_slope(double gamma, double q) {
  return gamma == 0 || q == 0 ? 0 : gamma * std::pow(q, gamma - 1);
}
}  // namespace

template <class T>
BinaryFocalLoss<T>::BinaryFocalLoss(double gamma, double alpha) : gamma_(gamma), alpha_(alpha) {
  check_gamma(gamma);
}

template <class T>
double BinaryFocalLoss<T>::compute(const ConstRef<T>& output, const ConstRef<T>& target,
                                   Matrix<T>* grad) const {
  const double scale = 1 / double(output.size());
  double sum = 0;
  for (Eigen::Index i = 0; i < output.rows(); ++i)
    for (Eigen::Index j = 0; j < output.cols(); ++j) {
      const double z = double(output(i, j)), y = double(target(i, j));
      const double p = detail::sigmoid(z), ce = detail::bce_with_logits(z, y);
      const double q = p + y - 2 * p * y;  // 1 - p_t
      const double a = alpha_ >= 0 ? alpha_ * y + (1 - alpha_) * (1 - y) : 1;
      const double qg = std::pow(q, gamma_);
      sum += a * qg * ce;  // alpha_t (1 - p_t)^gamma CE
      if (grad) {
        double d = a * ((p - y) * qg + focal_slope(gamma_, q) * p * (1 - p) * (1 - 2 * y) * ce);
        (*grad)(i, j) = static_cast<T>(scale * d);
      }
    }
  return scale * sum;
}

template <class T>
FocalLoss<T>::FocalLoss(double gamma, std::vector<double> weight)
    : gamma_(gamma), weight_(std::move(weight)) {
  check_gamma(gamma);
}

template <class T>
double FocalLoss<T>::compute(const ConstRef<T>& output, const ConstRef<T>& target,
                             Matrix<T>* grad) const {
  const Eigen::Index m = output.rows(), k = output.cols();
  if (!weight_.empty() && Eigen::Index(weight_.size()) != k)
    throw ConfigError(
        fmt::format("{} class weights for a model with {} outputs", weight_.size(), k),
        "loss.weight", "give one weight per class");
  const double scale = 1 / double(m);
  logp_.resize(std::size_t(k));
  double sum = 0;
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto y = Eigen::Index(this->class_id(target, i, k));
    detail::log_softmax(output.row(i), std::size_t(k), logp_.data());
    const double w = weight_.empty() ? 1.0 : weight_[std::size_t(y)];
    const double logpt = logp_[std::size_t(y)], pt = std::exp(logpt);
    double q = 0;  // 1 - p_t as the sum of the other probabilities: no cancellation near p_t = 1
    for (Eigen::Index c = 0; c < k; ++c)
      if (c != y) q += std::exp(logp_[std::size_t(c)]);
    const double qg = std::pow(q, gamma_);
    sum -= w * qg * logpt;  // -w_y (1 - p_t)^gamma log p_t
    if (!grad) continue;
    const double factor = w * (qg - focal_slope(gamma_, q) * pt * logpt);
    for (Eigen::Index j = 0; j < k; ++j) {
      double p = std::exp(logp_[std::size_t(j)]);
      (*grad)(i, j) = static_cast<T>(scale * factor * (p - (j == y ? 1.0 : 0.0)));
    }
  }
  return scale * sum;
}

template class BinaryFocalLoss<float>;
template class BinaryFocalLoss<double>;
template class FocalLoss<float>;
template class FocalLoss<double>;

}  // namespace descent::nn
