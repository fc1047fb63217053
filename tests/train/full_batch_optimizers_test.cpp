// L-BFGS and Newton in the Trainer: one fixed batch (the whole split), the closure re-evaluating
// the loss as often as the step asks.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include "descent/core/error.hpp"
#include "support/golden.hpp"
#include "trainer_support.hpp"

using namespace descent;
using namespace descent::train;
using support::Rig;

namespace {
/// The golden's data: x (rows x features, float32 values), regression y, class labels.
data::Dataset golden_data(const nlohmann::json& g, bool classification) {
  data::Dataset d;
  const auto rows = g.at("rows").get<Eigen::Index>(),
             features = g.at("features").get<Eigen::Index>();
  const auto x = g.at("x").get<std::vector<float>>();
  d.x = Eigen::Map<const data::Matrix>(x.data(), rows, features);
  for (Eigen::Index j = 0; j < features; ++j) d.feature_names.push_back(fmt::format("x{}", j));
  if (classification) {
    d.task = data::Task::classification;
    d.labels = g.at("labels").get<std::vector<std::int32_t>>();
    d.class_names = {"a", "b", "c"};
  } else {
    const auto y = g.at("y").get<std::vector<float>>();
    d.y = Eigen::Map<const data::Vector>(y.data(), rows);
  }
  return d;
}

/// Records the parameters after every epoch (one optimizer step per epoch at full batch).
class RecordWeights final : public Callback<double> {
 public:
  explicit RecordWeights(std::vector<std::vector<double>>& out) : out_(out) {}
  std::string name() const override { return "record"; }
  void on_epoch_end(Trainer<double>& t) override {
    const auto v = t.params().values();
    out_.emplace_back(v.begin(), v.end());
  }

 private:
  std::vector<std::vector<double>>& out_;
};
}  // namespace

// tools/golden/lbfgs_train.py: torch's closure (zero_grad, loss, backward) over the whole data set
// on nn.Linear, in float64. The arena holds weight then bias, as torch's parameters().
TEST(FullBatch, LbfgsTrainingMatchesTorch) {
  const auto g = test::load_golden("lbfgs_train.json");
  for (const auto& c : g.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const bool classification = c.at("loss") == "cross_entropy";
    const auto data = golden_data(g, classification);
    const auto outputs = c.at("outputs").get<std::size_t>();
    const auto steps = c.at("steps");
    Rig<double> rig({.inputs = data.features(),
                     .outputs = outputs,
                     .loss = c.at("loss").get<std::string>(),
                     .optimizer = c.at("optimizer").dump(),
                     .options = {.epochs = static_cast<std::int64_t>(steps.size()),
                                 .batch_size = 0,
                                 .shuffle = false,
                                 .num_classes = classification ? outputs : 0}});
    std::vector<double> start = c.at("weight").get<std::vector<double>>();
    for (double b : c.at("bias").get<std::vector<double>>()) start.push_back(b);
    auto values = rig.model->params.values();
    ASSERT_EQ(values.size(), start.size());
    std::copy(start.begin(), start.end(), values.begin());
    std::vector<std::vector<double>> after;
    rig.trainer->add_callback(std::make_unique<RecordWeights>(after));
    const auto& history = rig.trainer->fit(data);
    ASSERT_EQ(after.size(), steps.size());
    for (std::size_t k = 0; k < steps.size(); ++k) {
      std::vector<double> expected = steps[k].at("weight").get<std::vector<double>>();
      for (double b : steps[k].at("bias").get<std::vector<double>>()) expected.push_back(b);
      for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_TRUE(test::close(after[k][i], expected[i], 1e-8, 1e-12))
            << "step " << k << " [" << i << "]";
      // The epoch's train_loss is the loss at the step's start: what torch's step(closure) returns.
      // (Summation order differs from torch's: a cross-entropy near 5e-6 agrees to ~2e-10.)
      EXPECT_TRUE(test::close(history[k].at("train_loss"), steps[k].at("loss"), 1e-8))
          << "step " << k;
    }
  }
}

// On least squares the loss is quadratic, so one undamped Newton step (finite-difference Hessian,
// exact for a quadratic up to rounding) lands on the normal equations' solution.
TEST(FullBatch, OneNewtonStepSolvesLeastSquares) {
  const auto data = data::make_linear_regression({.samples = 200, .seed = 3});
  Rig<double> rig({.optimizer = R"({"name":"newton"})",
                   .options = {.epochs = 1, .batch_size = 0, .shuffle = false}});
  rig.trainer->fit(data);
  // [X 1] beta = y in the least-squares sense: beta = (A^T A)^-1 A^T y.
  Eigen::MatrixXd a(data.rows(), 3);
  a << data.x.cast<double>(), Eigen::VectorXd::Ones(Eigen::Index(data.rows()));
  const Eigen::VectorXd beta =
      (a.transpose() * a).ldlt().solve(a.transpose() * data.y.cast<double>());
  const auto w = rig.weights();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(test::close(w[i], beta[i], 1e-7)) << i;
}

TEST(FullBatch, ClosureOptimizersRefuseMiniBatchesAndAccumulation) {
  const auto data = data::make_linear_regression({.samples = 100, .seed = 3});
  for (const char* optimizer : {R"({"name":"lbfgs"})", R"({"name":"newton"})"}) {
    for (const TrainerOptions& o : {TrainerOptions{.epochs = 1, .batch_size = 10},
                                   TrainerOptions{.epochs = 1, .batch_size = 0, .accumulate = 2}}) {
      Rig<double> rig({.optimizer = optimizer, .options = o});
      try {
        rig.trainer->fit(data);
        ADD_FAILURE() << optimizer << " trained on mini-batches";
      } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("whole training split"), std::string::npos)
            << e.what();
      }
    }
  }
}
