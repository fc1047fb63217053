#include "descent/nn/dropout.hpp"

#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::nn {

template <class T>
Dropout<T>::Dropout(double p, std::uint64_t seed) : p_(p), rng_(seed) {
  if (!(p >= 0 && p <= 1))
    throw ConfigError(fmt::format("dropout probability has to be between 0 and 1, but got {}", p),
                      "dropout", "p is the probability of zeroing an element, e.g. 0.2");
}

template <class T>
std::string Dropout<T>::describe() const {
  return fmt::format("Dropout(p={})", p_);
}

template <class T>
const Matrix<T>& Dropout<T>::forward(const ConstRef<T>& x) {
  ensure_shape(y_, x.rows(), x.cols());
  masked_ = training_ && p_ > 0;
  if (!masked_) {
    y_ = x;
    return y_;
  }
  ensure_shape(mask_, x.rows(), x.cols());
  // Keep with probability 1 - p: u < 1 - p with u uniform in [0, 1); p = 1 drops everything.
  const T scale = p_ < 1 ? T(1 / (1 - p_)) : T(0);
  const double keep = 1 - p_;
  T* m = mask_.data();
  for (Eigen::Index i = 0; i < mask_.size(); ++i) m[i] = uniform01(rng_) < keep ? scale : T(0);
  y_.array() = x.array() * mask_.array();
  return y_;
}

template <class T>
const Matrix<T>& Dropout<T>::backward(const ConstRef<T>& dy) {
  if (dy.rows() != y_.rows() || dy.cols() != y_.cols())
    throw UsageError("backward got a gradient of another shape than the last forward", describe(),
                     "call forward and backward on the same batch");
  ensure_shape(dx_, dy.rows(), dy.cols());
  if (masked_)
    dx_.array() = dy.array() * mask_.array();
  else
    dx_ = dy;
  return dx_;
}

template <class T>
nlohmann::json Dropout<T>::state() const {
  return {{"rng", (std::ostringstream() << rng_).str()}};
}

template <class T>
void Dropout<T>::load_state(const nlohmann::json& state) {
  if (!state.is_object() || !state.contains("rng") || !state["rng"].is_string())
    throw CheckpointError("dropout state needs an \"rng\" string", describe());
  // The generator's full state in the standard's text format.
  std::istringstream in(state["rng"].get<std::string>());
  Rng restored;
  in >> restored;
  if (in.fail())
    throw CheckpointError("malformed dropout generator state", describe(),
                          "the checkpoint is corrupt or from another program");
  rng_ = restored;
}

template class Dropout<float>;
template class Dropout<double>;

}  // namespace descent::nn
