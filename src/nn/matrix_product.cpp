#include "descent/nn/matrix_product.hpp"

#include <omp.h>

#include <oneapi/dnnl/dnnl.h>

namespace descent::nn {

void sgemm(const Operand<float>& a, const Operand<float>& b, float beta, float* c,
           Eigen::Index c_stride) {
  // oneDNN threads itself over omp_get_max_threads(): one, for this call.
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto m = a.transposed ? a.cols : a.rows, k = a.transposed ? a.rows : a.cols;
  const auto n = b.transposed ? b.rows : b.cols;
  dnnl_sgemm(a.transposed ? 'T' : 'N', b.transposed ? 'T' : 'N', m, n, k, 1.0f, a.data, a.stride,
             b.data, b.stride, beta, c, c_stride);
  omp_set_num_threads(threads);
}

}  // namespace descent::nn
