// nn::gradcheck_model (behind `descent gradcheck --data ... --model ...`): passes every real layer
// and loss, and catches a backward pass with a sign error.
#include <gtest/gtest.h>

#include <memory>

#include "descent/nn/activation.hpp"
#include "descent/nn/dropout.hpp"
#include "descent/nn/gradcheck.hpp"
#include "descent/nn/linear.hpp"
#include "descent/nn/loss.hpp"
#include "nn/gradcheck.hpp"

namespace descent::nn {
namespace {

using test::MatrixD;
using test::random_matrix;

/// tanh with a deliberately wrong backward pass: dX = -(1 - tanh^2) dY (the sign flipped).
class SignErrorTanh final : public Layer<double> {
 public:
  std::string describe() const override { return "SignErrorTanh()"; }
  const Matrix<double>& forward(const ConstRef<double>& x) override {
    y_ = x.array().tanh().matrix();
    return y_;
  }
  const Matrix<double>& backward(const ConstRef<double>& dy) override {
    dx_ = -(dy.array() * (1 - y_.array().square())).matrix();
    return dx_;
  }

 private:
  Matrix<double> y_, dx_;
};

struct Net {
  Params<double> params;
  Sequential<double> net;

  explicit Net(std::unique_ptr<Layer<double>> middle, std::size_t outputs = 3) {
    net.emplace<Linear<double>>(4, 5);
    net.add(std::move(middle));
    net.emplace<Linear<double>>(5, outputs);
    net.declare(params, {});
    params.allocate();
    net.bind(params);
    net.initialize(InitScheme::TorchDefault, 1.0, 7);
  }
};

TEST(ModelGradcheck, CatchesABackwardPassWithASignError) {
  Net bad(std::make_unique<SignErrorTanh>());
  const MatrixD x = random_matrix(6, 4, 1);
  MatrixD target(6, 1);
  target << 0, 1, 2, 1, 0, 2;
  auto loss = make_loss<double>("cross_entropy");
  const ModelGradcheck r = gradcheck_model(bad.net, bad.params, *loss, x, target, nullptr);
  EXPECT_GT(r.max_error, 0.5);
  ASSERT_FALSE(r.worst.empty());
  EXPECT_EQ(r.worst.front().tensor.substr(0, 2), "0.");  // the layer before the faulty one
  // The layers after it are right: their gradients do not go through the sign error.
  EXPECT_LT(r.tensors.back().max_error, 1e-6) << r.tensors.back().name;

  Net good(std::make_unique<Tanh<double>>());
  EXPECT_LT(gradcheck_model(good.net, good.params, *loss, x, target, nullptr).max_error, 1e-6);
}

TEST(ModelGradcheck, PassesEveryActivationAndDropout) {
  const MatrixD x = random_matrix(6, 4, 2);
  MatrixD target(6, 1);
  target << 2, 1, 0, 0, 1, 2;
  auto loss = make_loss<double>("cross_entropy");
  std::vector<std::unique_ptr<Layer<double>>> layers;
  layers.push_back(std::make_unique<ReLU<double>>());
  layers.push_back(std::make_unique<LeakyReLU<double>>(0.1));
  layers.push_back(std::make_unique<Sigmoid<double>>());
  layers.push_back(std::make_unique<Tanh<double>>());
  layers.push_back(std::make_unique<GELU<double>>());
  layers.push_back(std::make_unique<Dropout<double>>(0.4, 3));
  for (auto& layer : layers) {
    const std::string name = layer->describe();
    Net net(std::move(layer));
    const ModelGradcheck r = gradcheck_model(net.net, net.params, *loss, x, target, nullptr);
    EXPECT_LT(r.max_error, 1e-6) << name;
    EXPECT_EQ(r.tensors.size(), 4u);
    for (const auto& t : r.tensors) EXPECT_EQ(t.checked, t.size) << name;  // all, small tensors
  }
}

// Tolerance 1e-4: a coordinate whose gradient is ~1e-5 has a relative rounding error of ~1e-5
// (eps |L| / h over |dL/dw|); a wrong backward pass is off by O(1).
TEST(ModelGradcheck, PassesEveryLossAndTheRegularizers) {
  const MatrixD x = random_matrix(6, 4, 3);
  MatrixD classes(6, 1);
  classes << 0, 2, 1, 1, 0, 2;
  const MatrixD values = random_matrix(6, 3, 4);
  MatrixD binary(6, 3);
  for (Eigen::Index i = 0; i < binary.size(); ++i) binary.data()[i] = values.data()[i] > 0;
  for (const auto& info : loss_registry()) {
    Net net(std::make_unique<Tanh<double>>());
    auto loss = make_loss<double>(info.name);
    const bool probabilities = info.name == "bce_with_logits" || info.name == "binary_focal";
    const MatrixD& target =
        info.target == TargetKind::ClassIndex ? classes : (probabilities ? binary : values);
    const ModelGradcheck r = gradcheck_model(net.net, net.params, *loss, x, target, nullptr);
    EXPECT_LT(r.max_error, 1e-4) << info.name;
  }
  Net net(std::make_unique<Tanh<double>>());
  const auto reg =
      make_regularizer<double>(net.params, {{"name", "elastic_net"}, {"l1", 0.01}, {"l2", 0.1}});
  auto loss = make_loss<double>("mse");
  const ModelGradcheck r = gradcheck_model(net.net, net.params, *loss, x, values, &reg);
  EXPECT_LT(r.max_error, 1e-6);
}

TEST(ModelGradcheck, ChecksAtMostTheGivenCoordinatesPerTensorAndRestoresTheWeights) {
  Net net(std::make_unique<Tanh<double>>());
  const std::vector<double> before(net.params.values().begin(), net.params.values().end());
  const MatrixD x = random_matrix(6, 4, 5);
  auto loss = make_loss<double>("mse");
  ModelGradcheckOptions options;
  options.coordinates_per_tensor = 3;
  const ModelGradcheck r =
      gradcheck_model(net.net, net.params, *loss, x, random_matrix(6, 3, 6), nullptr, options);
  for (const auto& t : r.tensors) EXPECT_EQ(t.checked, std::min<std::size_t>(3, t.size));
  EXPECT_EQ(std::vector<double>(net.params.values().begin(), net.params.values().end()), before);
}

}  // namespace
}  // namespace descent::nn
