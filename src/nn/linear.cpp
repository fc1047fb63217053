#include "descent/nn/linear.hpp"

#include <array>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/nn/matrix_product.hpp"

namespace descent::nn {
namespace {

// A layer's products over a batch of at least kSplitRows rows, of at least kSplitMultiplyAdds
// multiply-adds, are computed as kProductBlocks blocks of their result, one task each, shared
// between the threads: column blocks of Z = X W^T and dX = dZ W; row blocks of dW = dZ^T X through
// oneDNN (floats), column blocks through Eigen (doubles: Eigen evaluates a tiny product of row
// blocks, course_sgd's batch of 1, at half the speed). The blocks depend on the shape (and, for Z,
// the mode) alone, so the kernel (Eigen's, or oneDNN's sgemm on one thread) sums every element in
// the same order at any thread count: 1 and N threads train the same model. (Eigen's own threading
// would not: it changes its k blocking, and so the sums, with the thread count; oneDNN's threading
// is kept off likewise.) Block i of each product is the job's task i, which the calling thread
// (i = 0) or the first helper (i = 1) claims: so the forward pass reads, dW's block writes, and the
// optimizer step (parallel_for: one contiguous range per thread) updates the same rows of W on the
// same core, where column blocks of dW put half of every row's gradient on the other core. Below
// 128 rows, moving a block's weights and gradients to the other core and back costs more than the
// block saves: with Eigen's kernel the MLP 784-256-10 step at batch 64 ran 136k samples/s on 2
// threads against 145k on 1, at batch 128 255k against 150k. In eval mode no update follows, and
// Z = X W^T through oneDNN is cut in row blocks instead: each core reads half of X rather than all
// of it (Fashion-MNIST's validation passes, 1,024 rows at a time, ran ~12% faster on 2 threads;
// oneDNN sums each element alike in either cut, Linear.EvalModeGivesTheTrainingForwardsBits).
constexpr Eigen::Index kSplitRows = 128;
constexpr double kSplitMultiplyAdds = 1 << 22;  // ~20-30 us on one core
constexpr Eigen::Index kProductBlocks = 2;
constexpr Eigen::Index kBlockAlign = 16;  // column blocks start on 64-byte boundaries of float rows

// Calls product(begin, size) for the blocks of [0, extent) (a result's columns or rows) of a
// product over `rows` rows.
template <class Product>
void by_blocks(Eigen::Index extent, Eigen::Index rows, double multiply_adds, Product&& product) {
  const bool split = rows >= kSplitRows && multiply_adds >= kSplitMultiplyAdds &&
                     extent >= kProductBlocks * kBlockAlign;
  if (!split) return product(Eigen::Index{0}, extent);  // whole: no task, no division (batch 1)
  auto start = [&](Eigen::Index i) {
    return i == kProductBlocks ? extent : extent * i / kProductBlocks / kBlockAlign * kBlockAlign;
  };
  run_tasks(std::size_t(kProductBlocks), true, [&](std::size_t i) {
    const Eigen::Index begin = start(Eigen::Index(i));
    product(begin, start(Eigen::Index(i) + 1) - begin);
  });
}

// Columns [j, j + n) of op(B).
Operand<float> column_block(Operand<float> b, Eigen::Index j, Eigen::Index n) {
  if (b.transposed) return {b.data + j * b.stride, n, b.cols, b.stride, true};
  return {b.data + j, b.rows, n, b.stride, false};
}

// Rows [i, i + n) of op(A).
Operand<float> row_block(Operand<float> a, Eigen::Index i, Eigen::Index n) {
  if (a.transposed) return {a.data + i, a.rows, n, a.stride, true};
  return {a.data + i * a.stride, n, a.cols, a.stride, false};
}

enum class Blocks { columns, rows };

// Eigen evaluates a product whose sizes sum below EIGEN_GEMM_TO_COEFFBASED_THRESHOLD coefficient
// by coefficient (its lazy product). For Z = X W^T and dW += dZ^T X, with every row and every sum
// shorter than a SIMD packet, each coefficient is then a scalar sum in index order, res = a_0 b_0,
// res = res + a_k b_k (then added to dW). Those two products are written out below as the same
// sums in the same order: Eigen's bits without its expression set-up, which costs more than the
// arithmetic at course_sgd's Linear(10, 1), batch 1. (dX = dZ W is not: there Eigen's
// lazy product runs 4-wide fused multiply-adds on the aligned part of each row, and that stays
// Eigen's.) tests/nn/layer_test.cpp compares both with Eigen on every such shape and alignment.
constexpr Eigen::Index kMaxCoefficientWise = EIGEN_GEMM_TO_COEFFBASED_THRESHOLD;  // any extent

template <class T>
bool coefficient_wise(Eigen::Index rows, Eigen::Index in, Eigen::Index out) {
  constexpr Eigen::Index packet = Eigen::internal::packet_traits<T>::size;
  return rows + in + out < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD && rows < packet && in < packet &&
         out < packet;
}

// The inner extent of the coefficient-wise products (the layer's inputs, fewer than a packet) as a
// compile-time constant N: f(std::integral_constant<Eigen::Index, N>) for N = in. Their loops over
// k are then straight code, where a runtime extent made each a loop with a trip count to predict,
// or a vector body and a scalar tail (course_sgd's batch 1 with in = 10: +7.6%, 8 of 8 alternated
// pinned runs faster). Every extent a coefficient-wise product can have is covered: the
// constructor asks in >= 1, and coefficient_wise asks in < kMaxCoefficientWise.
template <class F>
void with_static_extent(Eigen::Index in, F&& f) {
  [&]<Eigen::Index... N>(std::integer_sequence<Eigen::Index, N...>) {
    ((in == N + 1 && (f(std::integral_constant<Eigen::Index, N + 1>{}), true)) || ...);
  }
  (std::make_integer_sequence<Eigen::Index, kMaxCoefficientWise - 1>{});
}

// sum_k a[k] b[k] for k < N, in k order from the first product. Scalar: GCC would
// vectorize it as one vector multiply and in-order lane adds, which ran course_sgd's batch 1 ~5%
// slower (its vector load of the weights the update step has just stored). Clang keeps it scalar.
template <class T, Eigen::Index N>
#if defined(__GNUC__) && !defined(__clang__)
[[gnu::optimize("no-tree-vectorize")]]
#endif
T sequential_dot(const T* a, const T* b) {
  T sum = a[0] * b[0];
  for (Eigen::Index k = 1; k < N; ++k) sum += a[k] * b[k];
  return sum;
}

// C = op(A) op(B) + beta C through oneDNN's sgemm, in column or row blocks of C fixed by the shape
// (for floats: callers ask sgemm_pays<T> first). Out of line, and asked before the operands are
// built, so that the Eigen path of small products costs what it did (built and called every time,
// they cost course_sgd's batch-1 steps ~9%).
template <class T>
[[gnu::noinline]] void sgemm_by_blocks(Blocks blocks, Eigen::Index rows, double multiply_adds,
                                       const Operand<T>& a, const Operand<T>& b, T beta, T* c,
                                       Eigen::Index c_stride) {
  if constexpr (std::is_same_v<T, float>) {
    open_sgemm();  // here, since the blocks' tasks must not throw
    if (blocks == Blocks::columns)
      by_blocks(b.transposed ? b.rows : b.cols, rows, multiply_adds,
                [&](auto j, auto n) { sgemm(a, column_block(b, j, n), beta, c + j, c_stride); });
    else
      by_blocks(a.transposed ? a.cols : a.rows, rows, multiply_adds, [&](auto i, auto n) {
        sgemm(row_block(a, i, n), b, beta, c + i * c_stride, c_stride);
      });
  }
}

}  // namespace

template <class T>
Linear<T>::Linear(std::size_t in_features, std::size_t out_features, bool bias)
    : in_(in_features), out_(out_features), has_bias_(bias) {
  if (in_ == 0 || out_ == 0)
    throw ConfigError("a linear layer needs at least one input and one output feature", describe(),
                      "check the model's input and output dimensions");
}

template <class T>
std::string Linear<T>::describe() const {
  return fmt::format("Linear(in_features={}, out_features={}, bias={})", in_, out_,
                     has_bias_ ? "True" : "False");
}

template <class T>
void Linear<T>::declare(Params<T>& params, const std::string& prefix, const ParamGroups& groups) {
  weight_id_ = params.add(prefix + "weight", {out_, in_}, groups.weight);
  if (has_bias_) bias_id_ = params.add(prefix + "bias", {out_}, groups.bias);
}

template <class T>
void Linear<T>::bind(Params<T>& params) {
  if (!weight_id_)
    throw UsageError("bind() before declare()", describe(), "declare, allocate, bind");
  auto w = params.tensor(*weight_id_);
  views_.w = w.value.data(), views_.gw = w.grad.data();
  if (bias_id_) {
    auto b = params.tensor(*bias_id_);
    views_.b = b.value.data(), views_.gb = b.grad.data();
  }
}

template <class T>
void Linear<T>::throw_unbound() const {
  throw UsageError("linear layer used before bind()", describe(),
                   "declare its tensors, allocate the Params, then bind()");
}

template <class T>
std::size_t Linear<T>::output_dim(std::size_t input_dim) const {
  if (input_dim != in_)
    throw UsageError(fmt::format("input has {} features, the layer expects {}", input_dim, in_),
                     describe());
  return out_;
}

template <class T>
const Matrix<T>& Linear<T>::forward(const ConstRef<T>& x) {
  if (x.cols() != Eigen::Index(in_)) output_dim(static_cast<std::size_t>(x.cols()));  // throws
  x_.set(x);
  ensure_shape(y_, x.rows(), Eigen::Index(out_));
  const WeightMap w = weight();
  const double multiply_adds = double(x.rows()) * double(in_ * out_);
  const Eigen::Index in = Eigen::Index(in_), out = Eigen::Index(out_);
  if (coefficient_wise<T>(x.rows(), in, out)) {
    // z_ij = (X W^T)_ij + b_j, the bias added to each sum as Eigen's rowwise sum adds it.
    const T* b = has_bias_ ? bound().b : nullptr;
    with_static_extent(in, [&](auto n) {
      for (Eigen::Index i = 0; i < x.rows(); ++i)
        for (Eigen::Index j = 0; j < out; ++j) {
          T z = sequential_dot<T, n>(x.data() + i * x.outerStride(), w.data() + j * n);
          if (b) z += b[j];
          y_(i, j) = z;
        }
    });
    return y_;
  }
  // Z = X W^T
  if (sgemm_pays<T>(multiply_adds))
    sgemm_by_blocks<T>(training_ ? Blocks::columns : Blocks::rows, x.rows(), multiply_adds,
                       {x.data(), x.rows(), in, x.outerStride()}, {w.data(), out, in, in, true},
                       T(0), y_.data(), out);
  else
    by_blocks(out, x.rows(), multiply_adds, [&](auto j, auto n) {
      y_.middleCols(j, n).noalias() = x * w.middleRows(j, n).transpose();
    });
  if (has_bias_) y_.rowwise() += bias();  //   + 1 b^T
  return y_;
}

template <class T>
const Matrix<T>& Linear<T>::backward(const ConstRef<T>& dy) {
  if (dy.rows() != x_.rows() || dy.cols() != Eigen::Index(out_))
    throw UsageError(fmt::format("backward got a {}x{} gradient after a forward of {} rows",
                                 dy.rows(), dy.cols(), x_.rows()),
                     describe(), "call forward and backward on the same batch");
  const WeightMap w = weight();
  WeightMap gw = weight_grad();
  const auto x = x_.get();
  const double multiply_adds = double(dy.rows()) * double(in_ * out_);
  const Eigen::Index in = Eigen::Index(in_), out = Eigen::Index(out_), rows = dy.rows();
  // dW += dZ^T X,  db += 1^T dZ. A tiny layer's column sums of dZ join its dW loop where Eigen
  // sums each column in r order: up to 4 rows (from 5 on, its vectorized column sums add rows in
  // pairs).
  constexpr Eigen::Index kRowsSummedInOrder = 4;
  const bool tiny = coefficient_wise<T>(rows, in, out);
  T* const gb = tiny && has_bias_ && rows <= kRowsSummedInOrder ? bound().gb : nullptr;
  if (tiny)
    with_static_extent(in, [&](auto n) {
      for (Eigen::Index j = 0; j < out; ++j) {
        // Row j of dZ^T X, all its elements at once (each still summed over r in order, then
        // added to dW): the loops over k vectorize, and dW's row is stored as the update step then
        // loads it (stored element by element, the step's vector load of it waited: ~5% of a
        // batch-1 step).
        std::array<T, n> sum;
        for (Eigen::Index k = 0; k < n; ++k) sum[k] = dy(0, j) * x(0, k);
        for (Eigen::Index r = 1; r < rows; ++r)
          for (Eigen::Index k = 0; k < n; ++k) sum[k] += dy(r, j) * x(r, k);
        for (Eigen::Index k = 0; k < n; ++k) gw(j, k) += sum[k];
        if (gb) {
          T column = dy(0, j);
          for (Eigen::Index r = 1; r < rows; ++r) column += dy(r, j);
          gb[j] += column;
        }
      }
    });
  else if (sgemm_pays<T>(multiply_adds))
    sgemm_by_blocks<T>(Blocks::rows, rows, multiply_adds,
                       {dy.data(), rows, out, dy.outerStride(), true},
                       {x.data(), rows, in, x.outerStride()}, T(1), gw.data(), in);
  else
    by_blocks(in, rows, multiply_adds, [&](auto j, auto n) {
      gw.middleCols(j, n).noalias() += dy.transpose() * x.middleCols(j, n);
    });
  if (has_bias_ && !gb) bias_grad() += dy.colwise().sum();
  if (!needs_input_grad_) {
    ensure_shape(dx_, 0, 0);
    return dx_;
  }
  ensure_shape(dx_, rows, in);
  // dX = dZ W
  if (sgemm_pays<T>(multiply_adds))
    sgemm_by_blocks<T>(Blocks::columns, rows, multiply_adds,
                       {dy.data(), rows, out, dy.outerStride()}, {w.data(), out, in, in}, T(0),
                       dx_.data(), in);
  else
    by_blocks(in, rows, multiply_adds,
              [&](auto j, auto n) { dx_.middleCols(j, n).noalias() = dy * w.middleCols(j, n); });
  return dx_;
}

template class Linear<float>;
template class Linear<double>;

}  // namespace descent::nn
