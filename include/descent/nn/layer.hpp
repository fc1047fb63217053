#pragma once
// The layer interface. Batches are row-major [batch, features] matrices. A layer with parameters
// declares its tensors on a Params arena before allocate() and binds views into it after; it never
// owns its weights. forward(x) caches what backward needs (x must stay alive until backward);
// backward(dY) returns dX and ACCUMULATES the parameter gradients into the arena's grads.
// Output and gradient buffers belong to the layer and are resized only when the batch size
// changes, so a training step allocates nothing in steady state.
#include <cstddef>
#include <string>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "descent/core/params.hpp"

namespace descent::nn {

/// A batch: row-major [rows = samples, cols = features].
template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Read-only view of a batch: binds a Matrix, a Map of row-major memory or a block of rows without
/// copying.
template <class T>
using ConstRef = Eigen::Ref<const Matrix<T>>;
/// A row vector (biases, per-feature statistics).
template <class T>
using RowVector = Eigen::Matrix<T, 1, Eigen::Dynamic>;

/// m.resize(rows, cols) when m has another shape. Eigen's resize divides on every call (its
/// overflow check), and a batch of one row pays that in each layer's forward and backward.
template <class M>
void ensure_shape(M& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

/// Parameter groups the layers put their tensors in (e.g. biases in their own group so that an
/// optimizer can exempt them from weight decay). Groups must be numbered without gaps.
struct ParamGroups {
  std::size_t weight = 0;
  std::size_t bias = 0;
};

template <class T>
class Layer {
 public:
  virtual ~Layer() = default;
  /// Short description as torch prints it, e.g. "Linear(in_features=784, out_features=256)".
  virtual std::string describe() const = 0;
  /// Declares the layer's tensors, named prefix + "weight" etc.; before params.allocate().
  virtual void declare(Params<T>& /*params*/, const std::string& /*prefix*/,
                       const ParamGroups& /*groups*/) {}
  /// Binds views into the allocated arena; after params.allocate().
  virtual void bind(Params<T>& /*params*/) {}
  /// Number of output features for `input_dim` input features (UsageError if it does not fit).
  virtual std::size_t output_dim(std::size_t input_dim) const { return input_dim; }
  virtual const Matrix<T>& forward(const ConstRef<T>& x) = 0;
  virtual const Matrix<T>& backward(const ConstRef<T>& dy) = 0;
  /// Training (true) or evaluation mode (Dropout is the identity in evaluation mode).
  virtual void set_training(bool /*training*/) {}
  /// Whether backward computes dX; a first layer does not need it (saves a third of the work).
  virtual void set_needs_input_grad(bool /*needed*/) {}
  /// State beyond the arena that a bit-identical resume needs (Dropout's generator); null if none.
  virtual nlohmann::json state() const { return nullptr; }
  virtual void load_state(const nlohmann::json& /*state*/) {}
};

/// Remembers the input of forward() for backward() without copying it.
template <class T>
class InputCache {
 public:
  using View = Eigen::Map<const Matrix<T>, Eigen::Unaligned, Eigen::OuterStride<>>;
  void set(const ConstRef<T>& x) {
    data_ = x.data(), rows_ = x.rows(), cols_ = x.cols(), stride_ = x.outerStride();
  }
  View get() const { return View(data_, rows_, cols_, Eigen::OuterStride<>(stride_)); }
  Eigen::Index rows() const { return rows_; }

 private:
  const T* data_ = nullptr;
  Eigen::Index rows_ = 0, cols_ = 0, stride_ = 0;
};

}  // namespace descent::nn
