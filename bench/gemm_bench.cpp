// The matrix products of one training step of the Fashion-MNIST MLP (784-256-10, batch 128) through
// Eigen (descent's), OpenBLAS, BLIS and oneDNN, at 1 and 2 threads, in GFLOP/s, beside the
// machine's peak measured the same way. Libraries CMake does not find are left out (scripts/deps.sh
// --with-blas installs them).
//   build/ci/bench/gemm_bench --benchmark_filter=threads:1 --benchmark_repetitions=3
// gemm/<library>/<product>: the five products, row-major as descent's layers run them —
//   fwd1 Z1 = X W1^T (128x784 . 784x256)      fwd2 Z2 = H W2^T (128x256 . 256x10)
//   dW2 += dZ2^T H (10x128 . 128x256)          dH = dZ2 W2 (128x10 . 10x256)
//   dW1 += dZ1^T X (256x128 . 128x784)
// and step = the five in a row (0.82 MFLOP per sample; items/s are the samples/s of the products
// alone). layer1 = relu(X W1^T + b1) the way descent's layers compute it (the product, then a bias
// pass, then the ReLU into its own output); layer1_fused = the same with the bias and ReLU fused
// into the product's output pass (oneDNN's matmul post-ops). peak/fma = independent AVX-512 FMAs on
// registers: the FLOP/s the cores can issue; divided by peak/clock's GHz, the FLOP per cycle.
// Rates at 1 thread are per CPU second (other processes taking the core do not count), at 2 threads
// per wall second. All libraries here run on the OpenMP runtime: the process has one thread pool.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <immintrin.h>
#include <omp.h>

#include <Eigen/Core>
#include <array>
#include <cstdint>

#include "gemm/gemm.hpp"

namespace gemm {

Library eigen_library();
#ifdef DESCENT_GEMM_OPENBLAS
Library openblas_library();
#endif
#ifdef DESCENT_GEMM_BLIS
Library blis_library();
#endif
#ifdef DESCENT_GEMM_DNNL
Library dnnl_library();
#endif

std::vector<Library> libraries() {
  std::vector<Library> all{eigen_library()};
#ifdef DESCENT_GEMM_OPENBLAS
  all.push_back(openblas_library());
#endif
#ifdef DESCENT_GEMM_BLIS
  all.push_back(blis_library());
#endif
#ifdef DESCENT_GEMM_DNNL
  all.push_back(dnnl_library());
#endif
  return all;
}

}  // namespace gemm

namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr int kBatch = 128, kIn = 784, kHidden = 256, kOut = 10;

struct Shape {
  const char* name;
  bool trans_a, trans_b;
  int m, n, k;
  float beta;  // 1: the weight gradients accumulate
  double flops() const { return 2.0 * m * n * k; }
};
constexpr std::array<Shape, 5> kStep = {{{"fwd1", false, true, kBatch, kHidden, kIn, 0},
                                         {"fwd2", false, true, kBatch, kOut, kHidden, 0},
                                         {"dW2", true, false, kOut, kHidden, kBatch, 1},
                                         {"dH", false, false, kBatch, kHidden, kOut, 0},
                                         {"dW1", true, false, kHidden, kIn, kBatch, 1}}};

/// A product's operands as stored (A is k x m when transposed), random in [-1, 1].
struct Operands {
  Matrix a, b, c;
  explicit Operands(const Shape& s)
      : a(Matrix::Random(s.trans_a ? s.k : s.m, s.trans_a ? s.m : s.k)),
        b(Matrix::Random(s.trans_b ? s.n : s.k, s.trans_b ? s.k : s.n)),
        c(Matrix::Zero(s.m, s.n)) {}
  gemm::Product product(const Shape& s) {
    return {s.trans_a,     s.trans_b, s.m,           s.n,    s.k,      a.data(),
            int(a.cols()), b.data(),  int(b.cols()), s.beta, c.data(), int(c.cols())};
  }
};

/// The library's product against Eigen's on the same operands: a wrong transposition or stride
/// would otherwise time a different product.
bool agrees(const gemm::Library& lib, const Shape& s) {
  static const gemm::Library eigen = gemm::libraries().front();
  Operands o(s), reference(s);
  reference.a = o.a, reference.b = o.b;
  lib.product(o.product(s));
  eigen.product(reference.product(s));
  return (o.c - reference.c).cwiseAbs().maxCoeff() <=
         1e-4f * (1 + reference.c.cwiseAbs().maxCoeff());
}

void use_threads(const gemm::Library& lib, int threads) {
  omp_set_num_threads(threads);
  lib.set_threads(threads);
}

void set_rates(benchmark::State& state, double flops, int samples) {
  const auto n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * samples);
  state.counters["GFLOPs"] = benchmark::Counter(n * flops * 1e-9, benchmark::Counter::kIsRate);
}

void BM_Products(benchmark::State& state, const gemm::Library& lib, std::vector<Shape> shapes,
                 int threads) {
  for (const Shape& s : shapes)
    if (!agrees(lib, s))
      return state.SkipWithError(fmt::format("{} differs from Eigen", s.name).c_str());
  use_threads(lib, threads);
  std::vector<Operands> operands;
  std::vector<gemm::Product> products;
  double flops = 0;
  for (const Shape& s : shapes) {
    operands.emplace_back(s);
    flops += s.flops();
  }
  for (std::size_t i = 0; i < shapes.size(); ++i)
    products.push_back(operands[i].product(shapes[i]));
  for (auto _ : state)
    for (const auto& p : products) {
      lib.product(p);
      benchmark::DoNotOptimize(p.c);
      benchmark::ClobberMemory();
    }
  set_rates(state, flops, kBatch);
}

void BM_Layer(benchmark::State& state, const gemm::Library& lib, bool fused, int threads) {
  use_threads(lib, threads);
  const Matrix x = Matrix::Random(kBatch, kIn), w = Matrix::Random(kHidden, kIn);
  const Eigen::RowVectorXf bias = Eigen::RowVectorXf::Random(kHidden);
  Matrix z(kBatch, kHidden), h(kBatch, kHidden);
  const gemm::Product product{false, true,     kBatch, kHidden, kIn,      x.data(),
                              kIn,   w.data(), kIn,    0.0f,    z.data(), kHidden};
  const gemm::Layer layer{kBatch, kIn, kHidden, x.data(), w.data(), bias.data(), h.data()};
  auto unfused = [&] {
    lib.product(product);
    z.rowwise() += bias;   // Linear's bias pass
    h = z.cwiseMax(0.0f);  // ReLU's own output
  };
  if (fused) {
    unfused();
    const Matrix expected = h;
    lib.fused_layer(layer);
    if ((h - expected).cwiseAbs().maxCoeff() > 1e-3f)
      return state.SkipWithError("fused != unfused");
  }
  for (auto _ : state) {
    if (fused)
      lib.fused_layer(layer);
    else
      unfused();
    benchmark::DoNotOptimize(h.data());
    benchmark::ClobberMemory();
  }
  set_rates(state, 2.0 * kBatch * kHidden * kIn, kBatch);
}

/// Independent FMAs on registers, on every thread: what the cores can issue.
void BM_FmaPeak(benchmark::State& state, int threads) {
  omp_set_num_threads(threads);
  constexpr int kChains = 16, kRounds = 1 << 16;
#if defined(__AVX512F__)
  using Vec = __m512;
  auto fma = [](Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); };
  auto set = [](float v) { return _mm512_set1_ps(v); };
#else
  using Vec = __m256;
  auto fma = [](Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); };
  auto set = [](float v) { return _mm256_set1_ps(v); };
#endif
  constexpr int kLanes = sizeof(Vec) / sizeof(float);
  for (auto _ : state) {
    float sink = 0;
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    {
      Vec acc[kChains];
      for (int c = 0; c < kChains; ++c) acc[c] = set(float(c));
      const Vec a = set(0.999f), b = set(1e-3f);
      for (int r = 0; r < kRounds; ++r)
        for (int c = 0; c < kChains; ++c) acc[c] = fma(acc[c], a, b);
      for (int c = 0; c < kChains; ++c) sink += acc[c][0];  // GCC vector subscript
    }
    benchmark::DoNotOptimize(sink);
  }
  state.counters["GFLOPs"] = benchmark::Counter(
      double(state.iterations()) * threads * kRounds * kChains * kLanes * 2 * 1e-9,
      benchmark::Counter::kIsRate);
}

/// A chain of dependent integer adds, one per cycle: the clock the core runs at (in a VM the
/// nominal one of /proc/cpuinfo says little), so that peak/fma's FLOP/s give the FLOP per cycle.
void BM_Clock(benchmark::State& state) {
  constexpr int kAdds = 1 << 20;
  for (auto _ : state) {
    std::uint64_t x = 0;
    for (int i = 0; i < kAdds / 8; ++i)
      asm volatile(
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
          : "+r"(x));
    benchmark::DoNotOptimize(x);
  }
  state.counters["GHz"] =
      benchmark::Counter(double(state.iterations()) * kAdds * 1e-9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Clock)->Name("peak/clock");

const bool kRegistered = [] {
  for (const gemm::Library& lib : gemm::libraries())
    benchmark::AddCustomContext(lib.name, lib.describe());
  for (int threads : {1, 2}) {
    auto* peak = benchmark::RegisterBenchmark(fmt::format("peak/fma/threads:{}", threads).c_str(),
                                              BM_FmaPeak, threads);
    if (threads > 1) peak->UseRealTime();
    for (const gemm::Library& lib : gemm::libraries()) {
      auto add = [&](const std::string& what, auto&&... args) {
        auto* b = benchmark::RegisterBenchmark(
            fmt::format("gemm/{}/{}/threads:{}", lib.name, what, threads).c_str(), args...);
        b->Unit(benchmark::kMicrosecond);
        if (threads > 1) b->UseRealTime();
      };
      for (const Shape& s : kStep) add(s.name, BM_Products, lib, std::vector<Shape>{s}, threads);
      add("step", BM_Products, lib, std::vector<Shape>(kStep.begin(), kStep.end()), threads);
      add("layer1", BM_Layer, lib, false, threads);
      if (lib.fused_layer) add("layer1_fused", BM_Layer, lib, true, threads);
    }
  }
  return true;
}();

}  // namespace
