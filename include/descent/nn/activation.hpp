#pragma once
// Elementwise activations, as torch.nn: ReLU, LeakyReLU, Sigmoid, Tanh, GELU (exact erf form).
// Each computes a = f(z) and in backward dZ = dA * f'(z), with f' written from the cached input z
// or output a, whichever torch's backward uses.
#include "descent/nn/layer.hpp"

namespace descent::nn {

/// Shared machinery: caches the input, owns the output and input-gradient buffers.
template <class T>
class Activation : public Layer<T> {
 public:
  const Matrix<T>& forward(const ConstRef<T>& x) final;
  const Matrix<T>& backward(const ConstRef<T>& dy) final;

 protected:
  /// a = f(z), elementwise; `out` has the shape of `z`.
  virtual void apply(const typename InputCache<T>::View& z, Matrix<T>& a) const = 0;
  /// dz = da * f'(z), elementwise.
  virtual void gradient(const typename InputCache<T>::View& z, const Matrix<T>& a,
                        const ConstRef<T>& da, Matrix<T>& dz) const = 0;

 private:
  InputCache<T> x_;
  Matrix<T> y_, dx_;
};

/// ReLU(z) = max(0, z);  f'(z) = 1[z > 0]
template <class T>
class ReLU final : public Activation<T> {
 public:
  std::string describe() const override { return "ReLU()"; }

 protected:
  void apply(const typename InputCache<T>::View& z, Matrix<T>& a) const override;
  void gradient(const typename InputCache<T>::View& z, const Matrix<T>& a, const ConstRef<T>& da,
                Matrix<T>& dz) const override;
};

/// LeakyReLU(z) = z if z > 0 else s*z;  f'(z) = 1 if z > 0 else s  (torch's negative_slope s)
template <class T>
class LeakyReLU final : public Activation<T> {
 public:
  explicit LeakyReLU(double negative_slope = 0.01) : slope_(negative_slope) {}
  std::string describe() const override;
  double negative_slope() const { return slope_; }

 protected:
  void apply(const typename InputCache<T>::View& z, Matrix<T>& a) const override;
  void gradient(const typename InputCache<T>::View& z, const Matrix<T>& a, const ConstRef<T>& da,
                Matrix<T>& dz) const override;

 private:
  double slope_;
};

/// sigma(z) = 1 / (1 + e^-z);  f'(z) = sigma(z) (1 - sigma(z))
template <class T>
class Sigmoid final : public Activation<T> {
 public:
  std::string describe() const override { return "Sigmoid()"; }

 protected:
  void apply(const typename InputCache<T>::View& z, Matrix<T>& a) const override;
  void gradient(const typename InputCache<T>::View& z, const Matrix<T>& a, const ConstRef<T>& da,
                Matrix<T>& dz) const override;
};

/// tanh(z);  f'(z) = 1 - tanh(z)^2
template <class T>
class Tanh final : public Activation<T> {
 public:
  std::string describe() const override { return "Tanh()"; }

 protected:
  void apply(const typename InputCache<T>::View& z, Matrix<T>& a) const override;
  void gradient(const typename InputCache<T>::View& z, const Matrix<T>& a, const ConstRef<T>& da,
                Matrix<T>& dz) const override;
};

/// GELU(z) = z Phi(z) = z/2 (1 + erf(z/sqrt 2))  (Hendrycks & Gimpel 2016, torch's default form);
/// f'(z) = Phi(z) + z phi(z),  phi(z) = e^(-z^2/2) / sqrt(2 pi)
template <class T>
class GELU final : public Activation<T> {
 public:
  std::string describe() const override { return "GELU(approximate='none')"; }

 protected:
  void apply(const typename InputCache<T>::View& z, Matrix<T>& a) const override;
  void gradient(const typename InputCache<T>::View& z, const Matrix<T>& a, const ConstRef<T>& da,
                Matrix<T>& dz) const override;
};

extern template class Activation<float>;
extern template class Activation<double>;
extern template class ReLU<float>;
extern template class ReLU<double>;
extern template class LeakyReLU<float>;
extern template class LeakyReLU<double>;
extern template class Sigmoid<float>;
extern template class Sigmoid<double>;
extern template class Tanh<float>;
extern template class Tanh<double>;
extern template class GELU<float>;
extern template class GELU<double>;

}  // namespace descent::nn
