#pragma once
// The parameter arena: every parameter of a model in one contiguous 64-byte aligned buffer, the
// gradients in a second buffer of the same layout. Tensors are ordered by parameter group, so a
// group is one contiguous range [begin, begin + size) of both buffers.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "descent/core/aligned_buffer.hpp"

namespace descent {

using Shape = std::vector<std::size_t>;

/// Handle of a tensor, returned by Params::add; valid for the life of the Params.
struct TensorId {
  std::size_t index;
};

/// Contiguous range of the arena.
struct Range {
  std::size_t begin = 0;
  std::size_t size = 0;
  std::size_t end() const { return begin + size; }
};

template <class T>
struct TensorView {
  const std::string& name;
  const Shape& shape;
  std::size_t group;
  std::size_t offset;  // in elements from the start of the arena
  std::span<T> value;
  std::span<T> grad;
  std::size_t size() const { return value.size(); }
};

template <class T>
class Params {
 public:
  Params() = default;
  Params(const Params&) = delete;  // views point into the arena
  Params& operator=(const Params&) = delete;
  Params(Params&&) = default;
  Params& operator=(Params&&) = default;

  /// Declares a tensor. Must be called before allocate(); names are unique, shapes non-empty.
  TensorId add(std::string name, Shape shape, std::size_t group = 0);
  /// Lays the tensors out by group and allocates the zeroed value and gradient buffers.
  void allocate();
  bool allocated() const { return !values_.empty(); }

  std::size_t size() const { return values_.size(); }
  std::size_t num_tensors() const { return tensors_.size(); }
  std::size_t num_groups() const { return groups_.size(); }

  TensorView<T> tensor(TensorId id);
  TensorView<const T> tensor(TensorId id) const;
  TensorView<T> tensor(std::string_view name) { return tensor(id(name)); }
  TensorId id(std::string_view name) const;
  bool contains(std::string_view name) const { return index_.count(std::string(name)) > 0; }
  /// Tensors in arena order (by group, then in order of add()).
  const std::vector<TensorId>& arena_order() const { return order_; }

  std::span<T> values() { return values_.span(); }
  std::span<const T> values() const { return values_.span(); }
  std::span<T> grads() { return grads_.span(); }
  std::span<const T> grads() const { return grads_.span(); }
  Range group_range(std::size_t g) const { return groups_.at(g); }
  std::span<T> group_values(std::size_t g) {
    return values().subspan(groups_.at(g).begin, groups_.at(g).size);
  }
  std::span<T> group_grads(std::size_t g) {
    return grads().subspan(groups_.at(g).begin, groups_.at(g).size);
  }

  void zero_grad();
  /// Global L2 norm of all gradients, ||g||_2 = sqrt(sum_i g_i^2), accumulated in double.
  double grad_norm() const;
  /// First tensor (arena order) whose gradient holds NaN or Inf, if any.
  std::optional<TensorId> first_nonfinite_grad() const;
  /// First tensor (arena order) whose value holds NaN or Inf, if any.
  std::optional<TensorId> first_nonfinite_value() const;

 private:
  struct Info {
    std::string name;
    Shape shape;
    std::size_t group;
    std::size_t numel;
    std::size_t offset = 0;
  };
  void require_allocated(const char* what) const;

  std::vector<Info> tensors_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<TensorId> order_;
  std::vector<Range> groups_;
  AlignedBuffer<T> values_, grads_;
};

extern template class Params<float>;
extern template class Params<double>;

}  // namespace descent
