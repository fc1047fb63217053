#include "descent/nn/matrix_product.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <omp.h>

#include <oneapi/dnnl/dnnl.h>

#include <cstdio>
#include <cstdlib>

#include "descent/core/error.hpp"

namespace descent::nn {
namespace {

using SgemmFunction = decltype(&dnnl_sgemm);

// oneDNN is opened at the first large product rather than linked: loading its 40 MB and their
// relocations made every descent process start ~6 ms later (`descent --version`: 25 -> 31 ms),
// and most processes (predict, report, small models) never multiply a large matrix.
SgemmFunction load_sgemm() {
  constexpr const char* kLibrary = "libdnnl.so.2";
  void* library = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  void* function = library ? dlsym(library, "dnnl_sgemm") : nullptr;
  if (!function)
    throw Error(
        fmt::format("cannot load oneDNN's dnnl_sgemm for the large matrix products: {}", dlerror()),
        kLibrary, "install Debian's libdnnl2 (scripts/deps.sh installs libdnnl-dev)");
  return reinterpret_cast<SgemmFunction>(function);
}

SgemmFunction sgemm_function() {
  static const SgemmFunction function = load_sgemm();
  return function;
}

}  // namespace

void open_sgemm() {
  sgemm_function();
}

void sgemm(const Operand<float>& a, const Operand<float>& b, float beta, float* c,
           Eigen::Index c_stride) {
  const SgemmFunction function = sgemm_function();
  // oneDNN threads itself over omp_get_max_threads(): one, for this call.
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto m = a.transposed ? a.cols : a.rows, k = a.transposed ? a.rows : a.cols;
  const auto n = b.transposed ? b.rows : b.cols;
  const dnnl_status_t status =
      function(a.transposed ? 'T' : 'N', b.transposed ? 'T' : 'N', m, n, k, 1.0f, a.data, a.stride,
               b.data, b.stride, beta, c, c_stride);
  omp_set_num_threads(threads);
  if (status != dnnl_success) {  // only for operands that do not fit their shapes: a bug of ours
    std::fprintf(stderr, "descent: dnnl_sgemm failed (status %d) on a %ldx%ldx%ld product\n",
                 int(status), long(m), long(n), long(k));
    std::abort();
  }
}

}  // namespace descent::nn
