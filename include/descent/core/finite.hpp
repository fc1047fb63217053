#pragma once
// Whether every value of an array is finite, as one vectorized integer reduction.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace descent {

/// A value is NaN or infinite iff its exponent bits are all ones, i.e. (bits & exponent) ^
/// exponent == 0. The minimum of that over x is an integer reduction, which the compiler
/// vectorizes; a floating-point one (a sum of x*0) it may not reorder, so that ran one element
/// per add latency: 0.3 ms per check of the Fashion-MNIST MLP, a third of its training step.
template <class T>
bool all_finite(const T* x, std::size_t n) {
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  constexpr Bits exponent = std::bit_cast<Bits>(std::numeric_limits<T>::infinity());
  Bits smallest = exponent;
  for (std::size_t i = 0; i < n; ++i)
    smallest = std::min(smallest, (std::bit_cast<Bits>(x[i]) & exponent) ^ exponent);
  return smallest != 0;
}

}  // namespace descent
