#pragma once
// oneDNN's sgemm for the float products of Linear's column blocks (src/nn/linear.cpp), on the
// calling thread alone, and the size from which it beats Eigen's kernel.

#include <Eigen/Core>
#include <type_traits>

namespace descent::nn {

/// A row-major operand: `rows` x `cols` as stored, `stride` elements between rows; `transposed`
/// makes op(A) = A^T.
template <class T>
struct Operand {
  const T* data;
  Eigen::Index rows, cols, stride;
  bool transposed = false;
};

/// oneDNN's sgemm costs ~0.5-1 us per call more than Eigen's kernel and computes ~1.5x faster
/// (bench/gemm_bench: 186 against 132 GFLOP/s on the MLP 784-256-10 step's products at batch 128).
/// Measured per shape at 1 thread, it paid from about 2^18 multiply-adds: 256->10 at 128 rows
/// (2^18.3) ran 1.6x faster; 784->256 at 1 row (2^17.6) and 64->64 at 32 rows (2^17), no faster.
constexpr double kSgemmMultiplyAdds = 1 << 18;

/// Whether a product of T with `multiply_adds` runs faster through sgemm() than through Eigen.
template <class T>
bool sgemm_pays(double multiply_adds) {
  return std::is_same_v<T, float> && multiply_adds >= kSgemmMultiplyAdds;
}

/// Opens oneDNN (libdnnl.so.2) on the calling thread, once; throws descent::Error if it cannot.
/// sgemm() opens it too, but may run inside a task, which must not throw: call this first.
void open_sgemm();

/// C (`c_stride` elements between rows) = op(A) op(B) + beta C, on this thread alone: the blocks
/// descent cuts are its only split, so the sums are the same at any thread count.
void sgemm(const Operand<float>& a, const Operand<float>& b, float beta, float* c,
           Eigen::Index c_stride);

}  // namespace descent::nn
