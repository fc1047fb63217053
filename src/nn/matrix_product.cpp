#include "descent/nn/matrix_product.hpp"

#include <omp.h>

#include <oneapi/dnnl/dnnl.h>

#include "descent/nn/layer.hpp"

namespace descent::nn {
namespace {

// oneDNN's sgemm costs ~0.5-1 us per call more than Eigen's kernel and computes ~1.5x faster
// (bench/gemm_bench: 186 against 132 GFLOP/s on the MLP 784-256-10 step's products at batch 128).
// Measured per shape at 1 thread, it paid from about 2^18 multiply-adds: 256->10 at 128 rows
// (2^18.3) ran 1.6x faster, 784->256 at 1 row (2^17.6) and 64->64 at 32 rows (2^17) no faster.
constexpr double kBlasMultiplyAdds = 1 << 18;

template <class T>
using StridedMap = Eigen::Map<const Matrix<T>, Eigen::Unaligned, Eigen::OuterStride<>>;

template <class T>
StridedMap<T> as_map(const Operand<T>& x) {
  return StridedMap<T>(x.data, x.rows, x.cols, Eigen::OuterStride<>(x.stride));
}

template <class T>
Eigen::Index op_rows(const Operand<T>& x) {
  return x.transposed ? x.cols : x.rows;
}
template <class T>
Eigen::Index op_cols(const Operand<T>& x) {
  return x.transposed ? x.rows : x.cols;
}

template <class T>
void eigen_multiply(const Operand<T>& a, const Operand<T>& b, T beta, T* c, Eigen::Index c_stride) {
  Eigen::Map<Matrix<T>, Eigen::Unaligned, Eigen::OuterStride<>> out(c, op_rows(a), op_cols(b),
                                                                    Eigen::OuterStride<>(c_stride));
  auto apply = [&](const auto& op_a, const auto& op_b) {
    if (beta == T(0))
      out.noalias() = op_a * op_b;
    else
      out.noalias() += op_a * op_b;
  };
  const auto ma = as_map(a), mb = as_map(b);
  if (a.transposed && b.transposed)
    apply(ma.transpose(), mb.transpose());
  else if (a.transposed)
    apply(ma.transpose(), mb);
  else if (b.transposed)
    apply(ma, mb.transpose());
  else
    apply(ma, mb);
}

// oneDNN's sgemm threads itself over omp_get_max_threads(); descent's blocks are the only split,
// so that the sums are the same at any thread count: this thread computes the whole product.
void blas_multiply(const Operand<float>& a, const Operand<float>& b, float beta, float* c,
                   Eigen::Index c_stride) {
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  dnnl_sgemm(a.transposed ? 'T' : 'N', b.transposed ? 'T' : 'N', op_rows(a), op_cols(b), op_cols(a),
             1.0f, a.data, a.stride, b.data, b.stride, beta, c, c_stride);
  omp_set_num_threads(threads);
}

}  // namespace

template <class T>
void multiply(const Operand<T>& a, const Operand<T>& b, T beta, T* c, Eigen::Index c_stride) {
  if constexpr (std::is_same_v<T, float>) {
    if (double(op_rows(a)) * double(op_cols(b)) * double(op_cols(a)) >= kBlasMultiplyAdds)
      return blas_multiply(a, b, beta, c, c_stride);
  }
  eigen_multiply(a, b, beta, c, c_stride);
}

template void multiply(const Operand<float>&, const Operand<float>&, float, float*, Eigen::Index);
template void multiply(const Operand<double>&, const Operand<double>&, double, double*,
                       Eigen::Index);

}  // namespace descent::nn
