#pragma once
// One matrix product of row-major blocks on the calling thread: C = op(A) op(B) + beta C, with
// beta 0 or 1. Linear computes each of its column blocks with it (src/nn/linear.cpp).

#include <Eigen/Core>

namespace descent::nn {

/// A row-major operand: `rows` x `cols` as stored, `stride` elements between rows; `transposed`
/// makes op(A) = A^T.
template <class T>
struct Operand {
  const T* data;
  Eigen::Index rows, cols, stride;
  bool transposed = false;
};

/// C (`c_stride` elements between rows) = op(A) op(B) + beta C. Float products of at least
/// 2^18 multiply-adds run through oneDNN's sgemm, on this thread alone; the rest through Eigen.
template <class T>
void multiply(const Operand<T>& a, const Operand<T>& b, T beta, T* c, Eigen::Index c_stride);

extern template void multiply(const Operand<float>&, const Operand<float>&, float, float*,
                              Eigen::Index);
extern template void multiply(const Operand<double>&, const Operand<double>&, double, double*,
                              Eigen::Index);

}  // namespace descent::nn
