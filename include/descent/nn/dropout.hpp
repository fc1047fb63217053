#pragma once
// Inverted dropout (Srivastava et al. 2014, torch.nn.Dropout): in training each element is kept
// with probability 1 - p and scaled by 1/(1 - p), a = z * m / (1 - p), m ~ Bernoulli(1 - p), so
// evaluation mode is the identity. Seeded; the generator's state is saved with the model.
#include <cstdint>

#include "descent/core/random.hpp"
#include "descent/nn/layer.hpp"

namespace descent::nn {

template <class T>
class Dropout final : public Layer<T> {
 public:
  /// p in [0, 1] (ConfigError otherwise).
  explicit Dropout(double p = 0.5, std::uint64_t seed = 0);

  std::string describe() const override;
  /// Training: a = z * m / (1 - p); evaluation: a = z.
  const Matrix<T>& forward(const ConstRef<T>& x) override;
  /// dZ = dA * m / (1 - p) with the mask of the last forward (dZ = dA in evaluation mode).
  const Matrix<T>& backward(const ConstRef<T>& dy) override;
  void set_training(bool training) override { training_ = training; }
  bool training() const { return training_; }
  double p() const { return p_; }

  void seed(std::uint64_t seed) { rng_.seed(seed); }
  /// {"rng": "<generator state>"}
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  double p_;
  bool training_ = true;
  bool masked_ = false;  // whether the last forward applied a mask
  Rng rng_;
  Matrix<T> mask_, y_, dx_;  // mask_ holds m / (1 - p)
};

extern template class Dropout<float>;
extern template class Dropout<double>;

}  // namespace descent::nn
