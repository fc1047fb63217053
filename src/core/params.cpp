#include "descent/core/params.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/core/finite.hpp"
#include "descent/core/parallel.hpp"

namespace descent {

template <class T>
TensorId Params<T>::add(std::string name, Shape shape, std::size_t group) {
  if (allocated())
    throw UsageError("cannot add a tensor after allocate()", name,
                     "declare every tensor first, then call allocate() once");
  if (name.empty()) throw UsageError("tensor name is empty", "", "give every tensor a unique name");
  if (index_.count(name))
    throw UsageError("duplicate tensor name", name, "tensor names are unique");
  if (shape.empty()) throw UsageError("tensor has an empty shape", name, "use {1} for a scalar");
  std::size_t numel = 1;
  for (std::size_t d : shape) {
    if (d == 0)
      throw UsageError("tensor has a zero-size dimension", name, "every dimension must be >= 1");
    numel *= d;
  }
  index_.emplace(name, tensors_.size());
  tensors_.push_back({std::move(name), std::move(shape), group, numel});
  return TensorId{tensors_.size() - 1};
}

template <class T>
void Params<T>::allocate() {
  if (allocated())
    throw UsageError("allocate() called twice", "", "allocate once, after every add()");
  if (tensors_.empty())
    throw UsageError("no tensors to allocate", "", "add() tensors before allocate()");
  std::size_t num_groups = 0;
  for (const auto& t : tensors_) num_groups = std::max(num_groups, t.group + 1);
  order_.clear();
  for (std::size_t i = 0; i < tensors_.size(); ++i) order_.push_back({i});
  std::stable_sort(order_.begin(), order_.end(), [&](TensorId a, TensorId b) {
    return tensors_[a.index].group < tensors_[b.index].group;
  });
  groups_.assign(num_groups, Range{});
  std::size_t offset = 0;
  for (TensorId id : order_) {
    auto& t = tensors_[id.index];
    if (groups_[t.group].size == 0) groups_[t.group].begin = offset;
    t.offset = offset;
    groups_[t.group].size += t.numel;
    offset += t.numel;
  }
  for (std::size_t g = 0; g < num_groups; ++g)
    if (groups_[g].size == 0)
      throw UsageError(fmt::format("parameter group {} has no tensors", g), "",
                       "number groups 0, 1, 2, ... without gaps");
  values_ = AlignedBuffer<T>(offset);
  grads_ = AlignedBuffer<T>(offset);
}

template <class T>
void Params<T>::require_allocated(const char* what) const {
  if (!allocated())
    throw UsageError(fmt::format("{} before allocate()", what), "", "call allocate() first");
}

template <class T>
TensorId Params<T>::id(std::string_view name) const {
  auto it = index_.find(std::string(name));
  if (it == index_.end()) throw UsageError("no tensor with this name", std::string(name));
  return {it->second};
}

template <class T>
TensorView<T> Params<T>::tensor(TensorId id) {
  require_allocated("tensor view");
  const auto& t = tensors_.at(id.index);
  return {t.name,
          t.shape,
          t.group,
          t.offset,
          values().subspan(t.offset, t.numel),
          grads().subspan(t.offset, t.numel)};
}

template <class T>
TensorView<const T> Params<T>::tensor(TensorId id) const {
  require_allocated("tensor view");
  const auto& t = tensors_.at(id.index);
  return {t.name,
          t.shape,
          t.group,
          t.offset,
          values().subspan(t.offset, t.numel),
          grads().subspan(t.offset, t.numel)};
}

template <class T>
void Params<T>::zero_grad() {
  T* g = grads_.data();
  parallel_for(grads_.size(), [g](std::size_t b, std::size_t e) { std::fill(g + b, g + e, T(0)); });
}

template <class T>
double Params<T>::grad_norm() const {
  const T* g = grads_.data();
  double sum = parallel_sum(grads_.size(), [g](std::size_t b, std::size_t e) {
    double s = 0;
    for (std::size_t i = b; i < e; ++i) s += double(g[i]) * double(g[i]);
    return s;
  });
  return std::sqrt(sum);
}

namespace {
/// all_finite over the whole arena, in parallel_for's ranges: on several threads
/// the check of the arena the optimizer step has just updated (or the backward pass written) is
/// shared like that step.
template <class T>
bool all_finite_shared(std::span<const T> x) {
  std::atomic<bool> finite{true};
  parallel_for(x.size(), [&](std::size_t b, std::size_t e) {
    if (!all_finite(x.data() + b, e - b)) finite.store(false, std::memory_order_relaxed);
  });
  return finite.load(std::memory_order_relaxed);
}
}  // namespace

// The arena (its tensors side by side, in order_) is checked at once; only a non-finite one is
// then looked for tensor by tensor.
template <class T>
std::optional<TensorId> Params<T>::first_nonfinite_grad() const {
  if (all_finite_shared(grads())) return std::nullopt;
  for (TensorId id : order_)
    if (!all_finite(tensor(id).grad.data(), tensor(id).grad.size())) return id;
  return std::nullopt;
}

template <class T>
std::optional<TensorId> Params<T>::first_nonfinite_value() const {
  if (all_finite_shared(values())) return std::nullopt;
  for (TensorId id : order_)
    if (!all_finite(tensor(id).value.data(), tensor(id).value.size())) return id;
  return std::nullopt;
}

template class Params<float>;
template class Params<double>;

}  // namespace descent
