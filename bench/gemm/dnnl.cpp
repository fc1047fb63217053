// oneDNN (Debian libdnnl-dev, OpenMP runtime): dnnl_sgemm for the products, and its matmul
// primitive with the bias and a ReLU post-op for the fused layer.
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <map>
#include <tuple>

#include "gemm.hpp"

namespace gemm {

namespace {

/// relu(X W^T + b) as one matmul primitive, created once per shape.
void dnnl_layer(const Layer& l) {
  using dnnl::memory;
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  static dnnl::stream stream(engine);
  static std::map<std::tuple<int, int, int>, dnnl::matmul> primitives;
  const memory::desc x_md({l.rows, l.in}, memory::data_type::f32, memory::format_tag::ab);
  const memory::desc w_md({l.in, l.out}, memory::data_type::f32, memory::format_tag::ba);  // W^T
  const memory::desc b_md({1, l.out}, memory::data_type::f32, memory::format_tag::ab);
  const memory::desc y_md({l.rows, l.out}, memory::data_type::f32, memory::format_tag::ab);
  auto [it, added] = primitives.try_emplace({l.rows, l.in, l.out});
  if (added) {
    dnnl::post_ops relu;
    relu.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    dnnl::primitive_attr attr;
    attr.set_post_ops(relu);
    it->second = dnnl::matmul(
        dnnl::matmul::primitive_desc(dnnl::matmul::desc(x_md, w_md, b_md, y_md), attr, engine));
  }
  it->second.execute(stream, {{DNNL_ARG_SRC, memory(x_md, engine, const_cast<float*>(l.x))},
                              {DNNL_ARG_WEIGHTS, memory(w_md, engine, const_cast<float*>(l.w))},
                              {DNNL_ARG_BIAS, memory(b_md, engine, const_cast<float*>(l.bias))},
                              {DNNL_ARG_DST, memory(y_md, engine, l.y)}});
  stream.wait();
}

}  // namespace

Library dnnl_library() {
  return {.name = "onednn",
          .describe =
              [] {
                const dnnl_version_t* v = dnnl_version();
                return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                       std::to_string(v->patch) + " (" + v->hash + ")";
              },
          .set_threads = [](int n) { omp_set_num_threads(n); },
          .product =
              [](const Product& p) {
                dnnl_sgemm(p.trans_a ? 'T' : 'N', p.trans_b ? 'T' : 'N', p.m, p.n, p.k, 1.0f, p.a,
                           p.lda, p.b, p.ldb, p.beta, p.c, p.ldc);
              },
          .fused_layer = dnnl_layer};
}

}  // namespace gemm
