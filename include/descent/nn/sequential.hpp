#pragma once
// A chain of layers, torch.nn.Sequential: forward runs them in order, backward in reverse
// (chain rule: dL/dx = dL/dy * dy/dx, layer by layer). Tensors are named as torch names them in a
// Sequential's state_dict: "0.weight", "0.bias", "2.weight", ...
#include <memory>
#include <vector>

#include "descent/nn/init.hpp"
#include "descent/nn/layer.hpp"

namespace descent::nn {

template <class T>
class Sequential final : public Layer<T> {
 public:
  Sequential() = default;

  Layer<T>& add(std::unique_ptr<Layer<T>> layer);
  template <class L, class... Args>
  L& emplace(Args&&... args) {
    return static_cast<L&>(add(std::make_unique<L>(std::forward<Args>(args)...)));
  }
  std::size_t size() const { return layers_.size(); }
  Layer<T>& operator[](std::size_t i) { return *layers_.at(i); }
  const Layer<T>& operator[](std::size_t i) const { return *layers_.at(i); }

  std::string describe() const override;  // torch's multi-line repr
  /// Declares every layer's tensors as "<prefix><index>.<name>".
  void declare(Params<T>& params, const std::string& prefix, const ParamGroups& groups) override;
  void declare(Params<T>& params, const ParamGroups& groups = {}) { declare(params, "", groups); }
  void bind(Params<T>& params) override;
  std::size_t output_dim(std::size_t input_dim) const override;
  const Matrix<T>& forward(const ConstRef<T>& x) override;
  /// Returns dL/dX of the input only if set_needs_input_grad(true) (off by default: data needs no
  /// gradient, and the first Linear then skips dX = dZ W); otherwise an empty matrix.
  const Matrix<T>& backward(const ConstRef<T>& dy) override;
  void set_training(bool training) override;
  void train() { set_training(true); }
  void eval() { set_training(false); }
  bool training() const { return training_; }
  void set_needs_input_grad(bool needed) override;

  /// Initializes every Linear layer (in order, from one generator seeded with `seed`).
  void initialize(InitScheme scheme, double gain, std::uint64_t seed);
  /// {"<index>": layer state} for layers with state (Dropout generators).
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  bool training_ = true;
  bool needs_input_grad_ = false;
  Matrix<T> empty_;
};

extern template class Sequential<float>;
extern template class Sequential<double>;

}  // namespace descent::nn
