// What the training diagnostics cost, beside a training step of the same model (the Fashion-MNIST
// MLP 784-64-10 of the README's measurement; the ratio is what matters): one sharpness estimate
// (power iteration, at most 20 Hessian-vector products of 2 gradients each on the 256-row probe
// batch, as `descent train` runs it at the start and every --sharpness-every steps), the dead-ReLU
// count (one forward pass of the probe batch, once per epoch) and a training step on a batch of
// 128.
#include <benchmark/benchmark.h>

#include "descent/data/synthetic.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/model_spec.hpp"
#include "descent/optim/factory.hpp"
#include "descent/train/sharpness.hpp"
#include "descent/train/start_checks.hpp"
#include "descent/train/trainer.hpp"

namespace {

using namespace descent;

/// 784 features, 10 classes: the Fashion-MNIST shape.
data::Dataset images(std::size_t rows) {
  data::Dataset d;
  d.x = data::Matrix::Random(Eigen::Index(rows), 784);
  for (std::size_t i = 0; i < rows; ++i) d.labels.push_back(std::int32_t(i % 10));
  for (int c = 0; c < 10; ++c) d.class_names.push_back(std::to_string(c));
  d.feature_names.assign(784, "p");
  d.task = data::Task::classification;
  return d;
}

struct Setup {
  std::unique_ptr<nn::Model<float>> model =
      nn::make_model<float>(nn::parse_model_spec("mlp:64"), 784, 10, 1);
  std::unique_ptr<nn::Loss<float>> loss = nn::make_loss<float>("cross_entropy");
  std::unique_ptr<optim::Optimizer<float>> optimizer =
      optim::make<float>(model->params, R"({"name": "sgd", "lr": 0.1})");
  train::Trainer<float> trainer{*model->net, model->params, *loss,
                                *optimizer,  nullptr,       {.num_classes = 10}};
};

void BM_SharpnessEstimate(benchmark::State& state) {
  Setup s;
  const auto probe = train::ProbeBatch<float>::from(images(256), 256);
  std::int64_t products = 0;
  for (auto _ : state) {
    const auto e = train::estimate_sharpness(s.trainer, probe);
    products += e.iterations;
    benchmark::DoNotOptimize(e.lambda_max);
  }
  state.counters["hvp_per_estimate"] = double(products) / double(state.iterations());
}
BENCHMARK(BM_SharpnessEstimate)->Unit(benchmark::kMillisecond);

void BM_DeadReluCount(benchmark::State& state) {
  Setup s;
  const auto probe = train::ProbeBatch<float>::from(images(256), 256);
  for (auto _ : state) benchmark::DoNotOptimize(train::dead_relu_fractions(*s.model->net, probe));
}
BENCHMARK(BM_DeadReluCount)->Unit(benchmark::kMillisecond);

void BM_TrainStep128(benchmark::State& state) {
  Setup s;
  const auto batch = train::ProbeBatch<float>::from(images(128), 128);
  nn::Matrix<float> grad;
  for (auto _ : state) {
    s.optimizer->zero_grad();
    benchmark::DoNotOptimize(s.loss->evaluate(s.model->net->forward(batch.x), batch.target, &grad));
    s.model->net->backward(grad);
    s.optimizer->step();
  }
}
BENCHMARK(BM_TrainStep128)->Unit(benchmark::kMillisecond);

}  // namespace
