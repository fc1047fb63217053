#pragma once
// Fully connected layer, torch.nn.Linear: y = x W^T + b, W stored [out, in] (torch's layout, so
// weights load from torch unchanged).
#include <optional>

#include "descent/nn/layer.hpp"

namespace descent::nn {

template <class T>
class Linear final : public Layer<T> {
 public:
  using WeightMap = Eigen::Map<Matrix<T>>;
  using BiasMap = Eigen::Map<RowVector<T>>;

  Linear(std::size_t in_features, std::size_t out_features, bool bias = true);

  std::string describe() const override;
  void declare(Params<T>& params, const std::string& prefix, const ParamGroups& groups) override;
  void bind(Params<T>& params) override;
  std::size_t output_dim(std::size_t input_dim) const override;
  /// Z = X W^T + 1 b^T   (per sample: z = W x + b)
  const Matrix<T>& forward(const ConstRef<T>& x) override;
  /// dW += dZ^T X,  db += 1^T dZ (sum over the batch),  dX = dZ W
  const Matrix<T>& backward(const ConstRef<T>& dy) override;
  void set_needs_input_grad(bool needed) override { needs_input_grad_ = needed; }
  void set_training(bool training) override { training_ = training; }

  std::size_t in_features() const { return in_; }
  std::size_t out_features() const { return out_; }
  bool has_bias() const { return has_bias_; }
  WeightMap weight() { return {bound().w, Eigen::Index(out_), Eigen::Index(in_)}; }
  WeightMap weight_grad() { return {bound().gw, Eigen::Index(out_), Eigen::Index(in_)}; }
  /// Only when has_bias().
  BiasMap bias() { return {bound().b, Eigen::Index(out_)}; }
  BiasMap bias_grad() { return {bound().gb, Eigen::Index(out_)}; }
  TensorId weight_id() const { return *weight_id_; }
  std::optional<TensorId> bias_id() const { return bias_id_; }

 private:
  struct Views {
    T *w = nullptr, *gw = nullptr, *b = nullptr, *gb = nullptr;
  };
  const Views& bound() const {
    if (!views_.w) throw_unbound();
    return views_;
  }
  [[noreturn]] void throw_unbound() const;

  std::size_t in_, out_;
  bool has_bias_;
  bool needs_input_grad_ = true;
  bool training_ = true;
  std::optional<TensorId> weight_id_, bias_id_;
  Views views_;
  InputCache<T> x_;
  Matrix<T> y_, dx_;
};

extern template class Linear<float>;
extern template class Linear<double>;

}  // namespace descent::nn
