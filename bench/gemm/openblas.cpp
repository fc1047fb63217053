// OpenBLAS, the OpenMP build (Debian libopenblas-openmp-dev): its threads are OpenMP's.
#include <dlfcn.h>

#include <cblas.h>

#include "gemm.hpp"

namespace gemm {

Library openblas_library() {
  return {.name = "openblas",
          .describe =
              [] {
                Dl_info info{};
                dladdr(reinterpret_cast<void*>(&cblas_sgemm), &info);
                return std::string(openblas_get_config()) + ", kernel " + openblas_get_corename() +
                       ", cblas_sgemm from " + (info.dli_fname ? info.dli_fname : "?");
              },
          .set_threads = [](int n) { openblas_set_num_threads(n); },
          .product =
              [](const Product& p) {
                cblas_sgemm(CblasRowMajor, p.trans_a ? CblasTrans : CblasNoTrans,
                            p.trans_b ? CblasTrans : CblasNoTrans, p.m, p.n, p.k, 1.0f, p.a, p.lda,
                            p.b, p.ldb, p.beta, p.c, p.ldc);
              }};
}

}  // namespace gemm
