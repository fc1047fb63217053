// End to end: a 2-layer MLP whose weights live in the arena learns XOR with optim::SGD.
#include <gtest/gtest.h>

#include "descent/nn/loss.hpp"
#include "descent/nn/model_spec.hpp"
#include "descent/optim/sgd.hpp"

namespace descent::nn {
namespace {

TEST(Training, MlpLearnsXorWithSgd) {
  // XOR-like: 4 corners with noise-free labels, repeated to a batch of 64.
  Matrix<float> x(64, 2), y(64, 1);
  for (Eigen::Index i = 0; i < 64; ++i) {
    int a = int(i & 1), b = int((i >> 1) & 1);
    x(i, 0) = float(2 * a - 1), x(i, 1) = float(2 * b - 1);
    y(i, 0) = float(a ^ b);
  }
  ModelSpec spec = parse_model_spec("mlp:8");
  spec.activation = "tanh";
  auto model = make_model<float>(spec, 2, 2, 3);
  auto loss = make_loss<float>("cross_entropy");
  optim::SGD<float> opt(model->params, {.lr = 0.5, .momentum = 0.9});
  Matrix<float> grad;
  double first = 0, last = 0;
  for (int step = 0; step < 300; ++step) {
    opt.zero_grad();
    last = loss->evaluate(model->net->forward(x), y, &grad);
    if (step == 0) first = last;
    model->net->backward(grad);
    opt.step();
  }
  EXPECT_GT(first, 0.5);  // near log 2 at the start
  EXPECT_LT(last, 0.01);
  model->net->eval();
  const Matrix<float>& z = model->net->forward(x);
  for (Eigen::Index i = 0; i < 64; ++i) {
    Eigen::Index predicted;
    z.row(i).maxCoeff(&predicted);
    EXPECT_EQ(float(predicted), y(i, 0));
  }
}

}  // namespace
}  // namespace descent::nn
