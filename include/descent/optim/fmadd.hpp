#pragma once
// Fused multiply-add as torch's CPU kernels round it. torch 1.13's vectorized kernels (the AVX2
// build Debian ships) compute `x.add_(y, alpha=a)` as fma(y, a, x) and `x.addcmul_(y, z, value=v)`
// as fma(v*y, z, x): one rounding for the multiply-add, measured bit for bit with
// tools/golden/optim_sgd_adam.py. The update kernels call fmadd() where torch's step does so, to
// give torch's bits. Without hardware FMA (a portable x86-64 build) std::fma would be a slow
// library call, so fmadd rounds twice there, as torch's non-AVX2 (DEFAULT) kernels do.
#include <cmath>

namespace descent::optim {

#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
inline constexpr bool kFusedMultiplyAdd = true;
#else
inline constexpr bool kFusedMultiplyAdd = false;
#endif

/// a*b + c, rounded once where the build has hardware FMA (see above).
template <class T>
inline T fmadd(T a, T b, T c) {
  if constexpr (kFusedMultiplyAdd)
    return std::fma(a, b, c);
  else
    return a * b + c;
}

}  // namespace descent::optim
