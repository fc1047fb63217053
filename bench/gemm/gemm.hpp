#pragma once
// The matrix products of the Fashion-MNIST MLP step (784-256-10, batch 128) through several
// libraries, for bench/gemm_bench.cpp. Each library lives in its own file (their headers declare
// the same cblas names), and is compiled only when CMake finds it.
#include <string>
#include <vector>

namespace gemm {

/// Row-major C = op(A) op(B) + beta C, with op(A) m x k and op(B) k x n; lda, ldb and ldc are the
/// row strides of the matrices as stored (A is k x m when transposed).
struct Product {
  bool trans_a, trans_b;
  int m, n, k;
  const float* a;
  int lda;
  const float* b;
  int ldb;
  float beta;
  float* c;
  int ldc;
};

/// relu(X W^T + b) of one Linear + ReLU layer: X rows x in, W out x in (row-major), b out.
struct Layer {
  int rows, in, out;
  const float* x;
  const float* w;
  const float* bias;
  float* y;
};

struct Library {
  std::string name;
  /// Where the library's symbols come from, the kernel it chose; for the benchmark's context.
  std::string (*describe)();
  /// Threads of its products (all of them use the OpenMP runtime: one pool for the process).
  void (*set_threads)(int);
  void (*product)(const Product&);
  /// The layer with bias and activation fused into the product's output pass; null if the library
  /// has no such call (the benchmark then pre-fills C with the bias, multiplies with beta = 1 and
  /// applies the ReLU in a second pass).
  void (*fused_layer)(const Layer&) = nullptr;
};

/// The libraries this build has, Eigen first (descent's, single-threaded there).
std::vector<Library> libraries();

}  // namespace gemm
