// Eigen's product, as descent's layers call it (noalias, transposed maps). descent itself builds
// with EIGEN_DONT_PARALLELIZE; this file does not, so at 2 threads it is Eigen's own OpenMP
// product.
#include <Eigen/Core>

#include "gemm.hpp"

namespace gemm {

using Map = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
                       0, Eigen::OuterStride<>>;
using MutableMap = Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
                              0, Eigen::OuterStride<>>;

template <class A, class B>
void assign(const Product& p, const A& a, const B& b) {
  MutableMap c(p.c, p.m, p.n, Eigen::OuterStride<>(p.ldc));
  if (p.beta == 0)
    c.noalias() = a * b;
  else
    c.noalias() += a * b;  // beta = 1: descent's gradient accumulation
}

void eigen_product(const Product& p) {
  const Map a(p.a, p.trans_a ? p.k : p.m, p.trans_a ? p.m : p.k, Eigen::OuterStride<>(p.lda));
  const Map b(p.b, p.trans_b ? p.n : p.k, p.trans_b ? p.k : p.n, Eigen::OuterStride<>(p.ldb));
  if (p.trans_a && p.trans_b)
    assign(p, a.transpose(), b.transpose());
  else if (p.trans_a)
    assign(p, a.transpose(), b);
  else if (p.trans_b)
    assign(p, a, b.transpose());
  else
    assign(p, a, b);
}

Library eigen_library() {
  return {.name = "eigen",
          .describe =
              [] {
                return std::string("Eigen ") + std::to_string(EIGEN_WORLD_VERSION) + "." +
                       std::to_string(EIGEN_MAJOR_VERSION) + "." +
                       std::to_string(EIGEN_MINOR_VERSION) + ", " +
                       Eigen::SimdInstructionSetsInUse();
              },
          .set_threads = [](int n) { Eigen::setNbThreads(n); },
          .product = eigen_product};
}

}  // namespace gemm
