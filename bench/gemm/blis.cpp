// BLIS, the OpenMP build (Debian libblis-openmp-dev), through its own typed API (bli_sgemm takes
// row and column strides, and is not a name OpenBLAS also defines, as cblas_sgemm is).
#include <blis.h>

#include "gemm.hpp"

namespace gemm {

Library blis_library() {
  return {.name = "blis",
          .describe =
              [] {
                return std::string("BLIS ") + bli_info_get_version_str() + ", kernel " +
                       bli_arch_string(bli_arch_query_id());
              },
          .set_threads = [](int n) { bli_thread_set_num_threads(n); },
          .product =
              [](const Product& p) {
                float one = 1.0f, beta = p.beta;
                bli_sgemm(p.trans_a ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE,
                          p.trans_b ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, p.m, p.n, p.k, &one,
                          const_cast<float*>(p.a), p.lda, 1, const_cast<float*>(p.b), p.ldb, 1,
                          &beta, p.c, p.ldc, 1);
              }};
}

}  // namespace gemm
