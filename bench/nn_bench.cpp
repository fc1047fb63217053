// Forward + backward of the Fashion-MNIST MLP 784-256-10 (ReLU, softmax cross-entropy) per batch,
// in samples/s and GFLOP/s of the three matrix products that dominate it, beside the same products
// run bare (the ratio is the overhead of the layers, the loss and the activations). BM_TrainStep is
// a whole training step (zero_grad, forward, loss, backward, SGD momentum step) on 1 and 2 threads:
// bench/compare_torch_train.py runs the same step in torch and prints the ratio.
#include <benchmark/benchmark.h>

#include "descent/core/parallel.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/matrix_product.hpp"
#include "descent/nn/model_spec.hpp"
#include "descent/optim/factory.hpp"

namespace {

using descent::nn::Matrix;

Matrix<float> random_batch(Eigen::Index rows, Eigen::Index cols) {
  return Matrix<float>::Random(rows, cols);
}

// Products of one step: X W1^T (forward), dZ1^T X (dW1), and the 256x10 layer's three.
double flops_per_sample(double in, double hidden, double out) {
  return 2 * (2 * in * hidden + 3 * hidden * out);
}

void BM_MlpStep(benchmark::State& state) {
  const Eigen::Index batch = state.range(0);
  auto model = descent::nn::make_model<float>(descent::nn::parse_model_spec("mlp:256"), 784, 10, 1);
  auto loss = descent::nn::make_loss<float>("cross_entropy");
  Matrix<float> x = random_batch(batch, 784), y(batch, 1), grad;
  for (Eigen::Index i = 0; i < batch; ++i) y(i, 0) = float(i % 10);
  for (auto _ : state) {
    model->params.zero_grad();
    double l = loss->evaluate(model->net->forward(x), y, &grad);
    benchmark::DoNotOptimize(l);
    benchmark::DoNotOptimize(model->net->backward(grad).data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["GFLOPs"] =
      benchmark::Counter(double(state.iterations() * batch) * flops_per_sample(784, 256, 10) * 1e-9,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MlpStep)->Arg(128)->Arg(32)->Unit(benchmark::kMicrosecond);

// One training step as a training loop runs it; the optimizer is SGD (lr 0.01, momentum 0.9).
void BM_TrainStep(benchmark::State& state) {
  const Eigen::Index batch = state.range(0);
  descent::set_num_threads(static_cast<int>(state.range(1)));
  auto model = descent::nn::make_model<float>(descent::nn::parse_model_spec("mlp:256"), 784, 10, 1);
  auto loss = descent::nn::make_loss<float>("cross_entropy");
  auto optimizer =
      descent::optim::make<float>(model->params, R"({"name": "sgd", "lr": 0.01, "momentum": 0.9})");
  Matrix<float> x = random_batch(batch, 784), y(batch, 1), grad;
  for (Eigen::Index i = 0; i < batch; ++i) y(i, 0) = float(i % 10);
  for (auto _ : state) {
    optimizer->zero_grad();
    double l = loss->evaluate(model->net->forward(x), y, &grad);
    benchmark::DoNotOptimize(l);
    model->net->backward(grad);
    optimizer->step();
  }
  state.SetItemsProcessed(state.iterations() * batch);
  descent::set_num_threads(0);
}
BENCHMARK(BM_TrainStep)
    ->ArgNames({"batch", "threads"})
    ->ArgsProduct({{32, 64, 128}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// The same matrix products alone, no layers, each whole through oneDNN's sgemm on one thread (the
// step uses it from 2^18 multiply-adds up, Eigen below): the floor the 1-thread step can reach.
void BM_BareProducts(benchmark::State& state) {
  using descent::nn::Operand;
  const Eigen::Index batch = state.range(0);
  Matrix<float> x = random_batch(batch, 784), w1 = random_batch(256, 784),
                w2 = random_batch(10, 256);
  Matrix<float> h(batch, 256), z(batch, 10), dz = random_batch(batch, 10), dh(batch, 256);
  Matrix<float> gw1 = Matrix<float>::Zero(256, 784), gw2 = Matrix<float>::Zero(10, 256);
  auto whole = [](const Matrix<float>& m, bool transposed = false) {
    return Operand<float>{m.data(), m.rows(), m.cols(), m.cols(), transposed};
  };
  descent::nn::open_sgemm();
  for (auto _ : state) {
    descent::nn::sgemm(whole(x), whole(w1, true), 0.0f, h.data(), 256);    // H = X W1^T
    descent::nn::sgemm(whole(h), whole(w2, true), 0.0f, z.data(), 10);     // Z = H W2^T
    descent::nn::sgemm(whole(dz, true), whole(h), 1.0f, gw2.data(), 256);  // dW2 += dZ^T H
    descent::nn::sgemm(whole(dz), whole(w2), 0.0f, dh.data(), 256);        // dH = dZ W2
    descent::nn::sgemm(whole(dh, true), whole(x), 1.0f, gw1.data(), 784);  // dW1 += dH^T X
    benchmark::DoNotOptimize(gw1.data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["GFLOPs"] =
      benchmark::Counter(double(state.iterations() * batch) * flops_per_sample(784, 256, 10) * 1e-9,
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BareProducts)->Arg(128)->Arg(32)->Unit(benchmark::kMicrosecond);

}  // namespace
