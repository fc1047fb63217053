// Every layer's backward against central finite differences (double), and the arena contract.
#include <gtest/gtest.h>

#include <cstring>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/nn/activation.hpp"
#include "descent/nn/dropout.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/sequential.hpp"
#include "nn/gradcheck.hpp"

namespace descent::nn {
namespace {

using test::MatrixD;
using test::random_matrix;
using test::worst_relative_error;

constexpr double kTol = 1e-7;

/// Checks dX of a parameterless layer: L(x) = sum(G .* layer(x)).
void check_input_gradient(Layer<double>& layer, MatrixD x) {
  const MatrixD g = random_matrix(x.rows(), layer.output_dim(std::size_t(x.cols())), 99);
  layer.forward(x);
  const MatrixD dx = layer.backward(g);
  ASSERT_EQ(dx.rows(), x.rows());
  ASSERT_EQ(dx.cols(), x.cols());
  auto objective = [&] { return (layer.forward(x).array() * g.array()).sum(); };
  EXPECT_LT(worst_relative_error(x.data(), std::size_t(x.size()), dx.data(), objective), kTol)
      << layer.describe();
}

TEST(Activation, BackwardMatchesFiniteDifferences) {
  // Inputs kept away from the kinks of ReLU/LeakyReLU (|x| >= 0.05) so differences are smooth.
  MatrixD x = random_matrix(5, 7, 1, 3.0);
  for (Eigen::Index i = 0; i < x.size(); ++i)
    if (std::abs(x.data()[i]) < 0.05) x.data()[i] = 0.5;
  ReLU<double> relu;
  LeakyReLU<double> leaky(0.1);
  Sigmoid<double> sigmoid;
  Tanh<double> tanh;
  GELU<double> gelu;
  for (Layer<double>* layer :
       std::initializer_list<Layer<double>*>{&relu, &leaky, &sigmoid, &tanh, &gelu})
    check_input_gradient(*layer, x);
}

TEST(Activation, ValuesAtKnownPoints) {
  // By hand: relu(-1)=0, leaky(-2)=-0.02, sigmoid(0)=1/2, tanh(0)=0,
  // gelu(1)=Phi(1)=0.8413447460685429.
  MatrixD x(1, 1);
  x << -1;
  EXPECT_EQ(ReLU<double>().forward(x)(0, 0), 0.0);
  x << -2;
  EXPECT_DOUBLE_EQ(LeakyReLU<double>().forward(x)(0, 0), -0.02);
  x << 0;
  EXPECT_EQ(Sigmoid<double>().forward(x)(0, 0), 0.5);
  EXPECT_EQ(Tanh<double>().forward(x)(0, 0), 0.0);
  x << 1;
  EXPECT_NEAR(GELU<double>().forward(x)(0, 0), 0.8413447460685429, 1e-15);
  x << -800;  // e^800 overflows to inf: saturates to 0 without NaN
  EXPECT_EQ(Sigmoid<double>().forward(x)(0, 0), 0.0);
  EXPECT_EQ(Sigmoid<float>().forward(nn::Matrix<float>::Constant(1, 1, -200.f))(0, 0), 0.0f);
}

TEST(Linear, ForwardIsXWTransposePlusB) {
  Params<double> p;
  Linear<double> fc(3, 2);
  fc.declare(p, "fc.", {});
  p.allocate();
  fc.bind(p);
  fc.weight() << 1, 2, 3, 4, 5, 6;  // [out, in] as torch
  fc.bias() << 0.5, -1;
  MatrixD x(1, 3);
  x << 1, 0, -1;
  const MatrixD& y = fc.forward(x);
  EXPECT_EQ(y(0, 0), 1 - 3 + 0.5);  // by hand: W x + b
  EXPECT_EQ(y(0, 1), 4 - 6 - 1.0);
  EXPECT_EQ(p.tensor("fc.weight").shape, (Shape{2, 3}));
}

TEST(Linear, BackwardMatchesFiniteDifferencesAndAccumulates) {
  Params<double> p;
  Linear<double> fc(6, 4);
  fc.declare(p, "", {.weight = 0, .bias = 1});
  p.allocate();
  fc.bind(p);
  EXPECT_EQ(p.tensor("weight").group, 0u);
  EXPECT_EQ(p.tensor("bias").group, 1u);
  auto v = p.values();
  MatrixD init = random_matrix(1, Eigen::Index(v.size()), 3);
  std::copy(init.data(), init.data() + init.size(), v.begin());
  MatrixD x = random_matrix(5, 6, 4);
  const MatrixD g = random_matrix(5, 4, 5);
  fc.forward(x);
  const MatrixD dx = fc.backward(g);
  std::vector<double> grads(p.grads().begin(), p.grads().end());
  auto objective = [&] { return (fc.forward(x).array() * g.array()).sum(); };
  EXPECT_LT(worst_relative_error(v.data(), v.size(), grads.data(), objective), kTol);
  EXPECT_LT(worst_relative_error(x.data(), std::size_t(x.size()), dx.data(), objective), kTol);
  // A second backward adds the same gradient again: accumulation, as torch's .grad.
  fc.forward(x);
  fc.backward(g);
  for (std::size_t i = 0; i < grads.size(); ++i) EXPECT_DOUBLE_EQ(p.grads()[i], 2 * grads[i]);
}

// A layer large enough that its products are cut into blocks shared between threads
// (src/nn/linear.cpp): the same bits on 1, 2 and 3 threads, and the blocks put together are the
// whole product.
TEST(Linear, SharedProductsGiveTheSameBitsOnAnyNumberOfThreads) {
  using MatrixF = Matrix<float>;
  struct Result {
    MatrixF y, dx;
    std::vector<float> grads;
  };
  const MatrixF x = MatrixF::Random(160, 784), g = MatrixF::Random(160, 300);
  const MatrixF w = MatrixF::Random(300, 784), b = MatrixF::Random(1, 300);
  auto run = [&](int threads) {
    set_num_threads(threads);
    Params<float> p;
    Linear<float> fc(784, 300);
    fc.declare(p, "", {});
    p.allocate();
    fc.bind(p);
    fc.weight() = w;
    fc.bias() = b;
    Result r;
    r.y = fc.forward(x);
    r.dx = fc.backward(g);
    r.grads.assign(p.grads().begin(), p.grads().end());
    if (threads == 1) {  // against the products computed whole, in double
      const Eigen::MatrixXd wd = w.cast<double>(), xd = x.cast<double>(), gd = g.cast<double>();
      const Eigen::MatrixXd y = (xd * wd.transpose()).rowwise() + b.cast<double>().row(0);
      EXPECT_LT((r.y.cast<double>() - y).cwiseAbs().maxCoeff(), 1e-3);
      EXPECT_LT((r.dx.cast<double>() - gd * wd).cwiseAbs().maxCoeff(), 1e-3);
      EXPECT_LT((fc.weight_grad().cast<double>() - gd.transpose() * xd).cwiseAbs().maxCoeff(),
                1e-3);
    }
    return r;
  };
  const int saved = num_threads();
  const Result one = run(1);
  for (int threads : {2, 3}) {
    const Result many = run(threads);
    EXPECT_EQ(std::memcmp(one.y.data(), many.y.data(), sizeof(float) * one.y.size()), 0) << threads;
    EXPECT_EQ(std::memcmp(one.dx.data(), many.dx.data(), sizeof(float) * one.dx.size()), 0)
        << threads;
    EXPECT_EQ(one.grads, many.grads) << threads;
  }
  set_num_threads(saved);
}

// In eval mode Z = X W^T is cut in row blocks instead of column blocks (src/nn/linear.cpp): oneDNN
// sums each element alike either way, so a model predicts what it computed while training, on any
// number of threads. Shapes from the MLP's validation chunks to odd ones.
TEST(Linear, EvalModeGivesTheTrainingForwardsBits) {
  using MatrixF = Matrix<float>;
  struct Shape {
    Eigen::Index rows, in, out;
  };
  const int saved = num_threads();
  for (const Shape s : {Shape{1024, 784, 256}, Shape{880, 784, 256}, Shape{300, 101, 333},
                        Shape{4096, 64, 17}, Shape{129, 1000, 64}}) {
    const MatrixF x = MatrixF::Random(s.rows, s.in), w = MatrixF::Random(s.out, s.in);
    const MatrixF b = MatrixF::Random(1, s.out);
    Params<float> p;
    Linear<float> fc(std::size_t(s.in), std::size_t(s.out));
    fc.declare(p, "", {});
    p.allocate();
    fc.bind(p);
    fc.weight() = w;
    fc.bias() = b;
    set_num_threads(1);
    const MatrixF training = fc.forward(x);
    fc.set_training(false);
    for (int threads : {1, 2}) {
      set_num_threads(threads);
      const MatrixF& eval = fc.forward(x);
      EXPECT_EQ(std::memcmp(training.data(), eval.data(), sizeof(float) * training.size()), 0)
          << s.rows << "x" << s.in << "x" << s.out << " on " << threads << " threads";
    }
  }
  set_num_threads(saved);
}

// Small products are written out in src/nn/linear.cpp as the sums Eigen's lazy product computes:
// on every shape around that threshold, with x and dW at every alignment within a 64-byte line,
// with and without a bias, Z and dW have the bits of Eigen's expressions on the types the layer
// uses for larger products.
template <class T>
void expect_eigens_bits_on_small_shapes() {
  using M = Matrix<T>;
  auto same = [](const auto& a, const auto& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(T) * a.size()) == 0;
  };
  constexpr std::size_t kLine = 64 / sizeof(T);
  for (Eigen::Index rows = 1; rows <= 12; ++rows)
    for (Eigen::Index in = 1; in <= 12; ++in)
      for (Eigen::Index out = 1; out <= 12 && rows + in + out <= 22; ++out)
        for (std::size_t shift = 0; shift < kLine; shift += 3) {
          Params<T> p;
          p.add("pad", {shift + 1}, 0);  // moves the layer's tensors within the arena's lines
          const bool bias = shift % 2 == 0;
          Linear<T> fc{std::size_t(in), std::size_t(out), bias};
          fc.declare(p, "", {});
          p.allocate();
          fc.bind(p);
          const M w = M::Random(out, in), b = M::Random(1, out), gw = M::Random(out, in),
                  gb = M::Random(1, out), wide = M::Random(rows, in + Eigen::Index(kLine)),
                  dy = M::Random(rows, out);
          fc.weight() = w, fc.weight_grad() = gw;
          if (bias) fc.bias() = b, fc.bias_grad() = gb;
          const ConstRef<T> x = wide.middleCols(Eigen::Index(shift), in), dyr = dy;
          const M y = fc.forward(x);
          fc.backward(dy);
          // Eigen's expressions on the types the layer passes them for larger products.
          const typename Linear<T>::WeightMap wm = fc.weight();
          const typename InputCache<T>::View xm(x.data(), rows, in,
                                                Eigen::OuterStride<>(x.outerStride()));
          M y_ref(rows, out), line(1, out * in + Eigen::Index(kLine));  // dW at fc's alignment:
          const auto misaligned = reinterpret_cast<std::uintptr_t>(fc.weight_grad().data()) % 64;
          typename Linear<T>::WeightMap gwm(line.data() + misaligned / sizeof(T), out, in);
          gwm = gw;
          y_ref.middleCols(0, out).noalias() = x * wm.middleRows(0, out).transpose();
          if (bias) y_ref.rowwise() += fc.bias();
          gwm.middleCols(0, in).noalias() += dyr.transpose() * xm.middleCols(0, in);
          const std::string at = fmt::format("rows {} in {} out {} shift {}", rows, in, out, shift);
          EXPECT_TRUE(same(y, y_ref)) << at;
          EXPECT_TRUE(same(M(fc.weight_grad()), M(gwm))) << at;
          if (bias) {  // db at fc's alignment too: Eigen's column sums depend on it
            M bias_line(1, out + Eigen::Index(kLine));
            const auto offset = reinterpret_cast<std::uintptr_t>(fc.bias_grad().data()) % 64;
            typename Linear<T>::BiasMap gbm(bias_line.data() + offset / sizeof(T), out);
            gbm = gb;
            gbm += dyr.colwise().sum();
            EXPECT_TRUE(same(M(fc.bias_grad()), M(gbm))) << at;
          }
        }
}

TEST(Linear, SmallProductsGiveEigensBits) {
  expect_eigens_bits_on_small_shapes<float>();
  expect_eigens_bits_on_small_shapes<double>();
}

TEST(Linear, ErrorsNameTheLayer) {
  Linear<double> fc(3, 2);
  EXPECT_THROW(fc.forward(MatrixD::Zero(1, 3)), UsageError);  // not bound
  Params<double> p;
  fc.declare(p, "", {});
  p.allocate();
  fc.bind(p);
  try {
    fc.forward(MatrixD::Zero(2, 4));
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("expects 3"), std::string::npos) << e.what();
  }
}

TEST(Dropout, InvertedScalingTrainAndEval) {
  Dropout<double> drop(0.25, 7);
  MatrixD x = MatrixD::Ones(200, 50);
  const MatrixD& y = drop.forward(x);
  Eigen::Index kept = (y.array() != 0).count();
  EXPECT_NEAR(double(kept) / double(x.size()), 0.75, 0.02);
  EXPECT_TRUE(((y.array() == 0) || (y.array() == 1 / 0.75)).all());
  // Backward uses the same mask, and is exactly linear in dY.
  MatrixD g = random_matrix(200, 50, 8);
  const MatrixD dx = drop.backward(g);
  EXPECT_TRUE((dx.array() == g.array() * y.array()).all());
  drop.set_training(false);
  EXPECT_TRUE((drop.forward(x).array() == x.array()).all());
  EXPECT_TRUE((drop.backward(g).array() == g.array()).all());
}

TEST(Dropout, StateRestoresTheMaskSequence) {
  Dropout<double> a(0.5, 11);
  MatrixD x = MatrixD::Ones(8, 8);
  a.forward(x);
  nlohmann::json saved = a.state();
  MatrixD next = a.forward(x);
  Dropout<double> b(0.5, 999);
  b.load_state(saved);
  EXPECT_TRUE((b.forward(x).array() == next.array()).all());
  EXPECT_THROW(b.load_state({{"rng", "garbage"}}), CheckpointError);
  EXPECT_THROW(Dropout<double>(1.5), ConfigError);
}

TEST(Sequential, BackwardThroughAnMlpMatchesFiniteDifferences) {
  Sequential<double> net;
  net.emplace<Linear<double>>(5, 8);
  net.emplace<Tanh<double>>();
  net.emplace<Linear<double>>(8, 6);
  net.emplace<GELU<double>>();
  net.emplace<Linear<double>>(6, 3);
  net.set_needs_input_grad(true);
  Params<double> p;
  net.declare(p);
  p.allocate();
  net.bind(p);
  net.initialize(InitScheme::XavierUniform, 1.0, 42);
  EXPECT_TRUE(p.contains("0.weight") && p.contains("2.bias") && p.contains("4.weight"));
  EXPECT_EQ(net.output_dim(5), 3u);
  MatrixD x = random_matrix(4, 5, 9);
  const MatrixD g = random_matrix(4, 3, 10);
  net.forward(x);
  const MatrixD dx = net.backward(g);
  std::vector<double> grads(p.grads().begin(), p.grads().end());
  auto objective = [&] { return (net.forward(x).array() * g.array()).sum(); };
  auto v = p.values();
  EXPECT_LT(worst_relative_error(v.data(), v.size(), grads.data(), objective), kTol);
  EXPECT_LT(worst_relative_error(x.data(), std::size_t(x.size()), dx.data(), objective), kTol);
  // Without input gradients the parameter gradients are the same and no dX is returned.
  net.set_needs_input_grad(false);
  p.zero_grad();
  net.forward(x);
  EXPECT_EQ(net.backward(g).size(), 0);
  for (std::size_t i = 0; i < grads.size(); ++i) EXPECT_DOUBLE_EQ(p.grads()[i], grads[i]);
}

}  // namespace
}  // namespace descent::nn
