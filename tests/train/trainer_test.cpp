// The training loop and its callbacks on small synthetic problems.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <thread>

#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/sched/factory.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/convergence.hpp"
#include "descent/train/early_stopping.hpp"
#include "descent/train/gradient_clipping.hpp"
#include "descent/train/nonfinite_guard.hpp"
#include "descent/train/plateau_driver.hpp"
#include "descent/train/step_logger.hpp"
#include "trainer_support.hpp"

using namespace descent;
using namespace descent::train;
using support::Rig;

namespace {
data::Dataset linear_data(std::size_t samples = 1000) {
  return data::make_linear_regression({.samples = samples, .seed = 7});
}

/// Runs a callback's on_epoch_end hook with a lambda.
template <class T, class Fn>
class OnEpochEnd final : public Callback<T> {
 public:
  explicit OnEpochEnd(Fn fn) : fn_(std::move(fn)) {}
  std::string name() const override { return "probe"; }
  void on_epoch_end(Trainer<T>& t) override { fn_(t); }

 private:
  Fn fn_;
};
template <class T, class Fn>
std::unique_ptr<Callback<T>> on_epoch_end(Fn fn) {
  return std::make_unique<OnEpochEnd<T, Fn>>(std::move(fn));
}
}  // namespace

// The course's experiment: y = X w + b + noise (w = (2, -3.4), b = 4.2, noise 0.1, 1000 samples);
// batch, stochastic and mini-batch gradient descent all recover w to 1e-2.
TEST(Trainer, BatchStochasticAndMiniBatchRecoverTheLinearWeights) {
  const auto data = linear_data();
  struct Case {
    std::size_t batch;
    double lr;
    std::int64_t epochs;
  };
  for (const Case c : {Case{0, 0.1, 200}, Case{1, 0.003, 6}, Case{32, 0.05, 20}}) {
    Rig<double> s({.optimizer = fmt::format(R"({{"name":"sgd","lr":{}}})", c.lr),
                   .options = {.epochs = c.epochs, .batch_size = c.batch}});
    s.trainer->fit(data);
    auto w = s.model->params.tensor("0.weight").value;
    auto b = s.model->params.tensor("0.bias").value;
    EXPECT_NEAR(w[0], 2.0, 1e-2) << "batch " << c.batch;
    EXPECT_NEAR(w[1], -3.4, 1e-2) << "batch " << c.batch;
    EXPECT_NEAR(b[0], 4.2, 1e-2) << "batch " << c.batch;
    EXPECT_EQ(s.trainer->progress().step,
              c.epochs * static_cast<std::int64_t>(c.batch ? (1000 + c.batch - 1) / c.batch : 1));
  }
}

TEST(Trainer, HistoryHasOneRowPerEpochWithTrainAndValMetrics) {
  const auto train = linear_data(200), val = linear_data(50);
  Rig<double> s(
      {.optimizer = R"({"name":"sgd","lr":0.1})", .options = {.epochs = 3, .batch_size = 50}});
  const auto& h = s.trainer->fit(train, &val);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].names(), (std::vector<std::string>{"epoch", "train_loss", "train_mse", "train_mae",
                                                    "train_r2", "val_loss", "val_mse", "val_mae",
                                                    "val_r2", "lr", "skipped_steps"}));
  EXPECT_EQ(h[2].at("epoch"), 3);
  EXPECT_LT(h[2].at("val_loss"), h[0].at("val_loss"));
  EXPECT_DOUBLE_EQ(h[2].at("val_loss"), h[2].at("val_mse"));  // mse loss = MSE metric
}

TEST(Trainer, TimesItsValidationPassesApart) {
  const auto train = linear_data(200), val = linear_data(50);
  Rig<double> with_val(
      {.optimizer = R"({"name":"sgd","lr":0.1})", .options = {.epochs = 2, .batch_size = 50}});
  Rig<double> without(
      {.optimizer = R"({"name":"sgd","lr":0.1})", .options = {.epochs = 2, .batch_size = 50}});
  with_val.trainer->fit(train, &val);
  without.trainer->fit(train);
  EXPECT_GT(with_val.trainer->progress().validation_seconds, 0.0);
  EXPECT_EQ(without.trainer->progress().validation_seconds, 0.0);
}

TEST(Trainer, AccumulatingTwoHalfBatchesEqualsOneFullBatch) {
  const auto data = linear_data(40);
  Rig<double> full({.optimizer = R"({"name":"sgd","lr":0.1})",
                    .options = {.epochs = 2, .batch_size = 20, .shuffle = false}});
  Rig<double> halves(
      {.optimizer = R"({"name":"sgd","lr":0.1})",
       .options = {.epochs = 2, .batch_size = 10, .shuffle = false, .accumulate = 2}});
  full.trainer->fit(data);
  halves.trainer->fit(data);
  EXPECT_EQ(halves.trainer->progress().step, full.trainer->progress().step);
  const auto a = full.weights(), b = halves.weights();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-12);
}

namespace {
// Cross-entropy that counts the replica's calls; on the model it waits (up to 20 ms) for the
// replica's next call, so the two chunks of a pair overlap on two threads.
class MeetingLoss final : public nn::Loss<float> {
 public:
  MeetingLoss(std::atomic<int>& replica_calls, bool on_replica)
      : inner_(nn::make_loss<float>("cross_entropy")),
        calls_(replica_calls),
        on_replica_(on_replica) {}
  std::string name() const override { return inner_->name(); }
  nn::TargetKind target_kind() const override { return inner_->target_kind(); }
  double batch_weight(const nn::ConstRef<float>& target) const override {
    return inner_->batch_weight(target);
  }

 protected:
  double compute(const nn::ConstRef<float>& output, const nn::ConstRef<float>& target,
                 nn::Matrix<float>* grad) const override {
    if (on_replica_) {
      ++calls_;
    } else {
      const int before = calls_;
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
      while (calls_ == before && std::chrono::steady_clock::now() < until)
        std::this_thread::yield();
    }
    return inner_->evaluate(output, target, grad);
  }

 private:
  std::unique_ptr<nn::Loss<float>> inner_;
  std::atomic<int>& calls_;
  bool on_replica_;
};

// Two trainings ended with the same weights, bit for bit, and the same metrics every epoch.
void expect_same_bits(Rig<float>& x, const std::vector<MetricRow>& x_history, Rig<float>& y,
                      const std::vector<MetricRow>& y_history) {
  const auto wx = x.weights(), wy = y.weights();
  ASSERT_EQ(wx.size(), wy.size());
  EXPECT_EQ(std::memcmp(wx.data(), wy.data(), wx.size() * sizeof(float)), 0);
  ASSERT_EQ(x_history.size(), y_history.size());
  for (std::size_t e = 0; e < x_history.size(); ++e)
    for (const auto& [name, value] : x_history[e].items())
      EXPECT_EQ(value, y_history[e].at(name)) << name;
}
}  // namespace

// On two threads a batch's chunks run two at a time, on the model and on a replica
// (data_parallel.hpp): the same bits as one chunk after the other, with an odd number of chunks
// per batch (40 rows in chunks of 16: 16, 16, 8) and gradient accumulation.
TEST(Trainer, ChunksInPairsOnAReplicaGiveTheBitsOfOneChunkAfterTheOther) {
  const auto data = data::make_blobs({.samples = 200, .classes = 3, .features = 5, .seed = 3});
  const Rig<float>::Spec spec{
      .model = "mlp:32,16",
      .inputs = 5,
      .outputs = 3,
      .loss = "cross_entropy",
      .optimizer = R"({"name":"sgd","lr":0.1,"momentum":0.9})",
      .options = {
          .epochs = 3, .batch_size = 40, .accumulate = 2, .num_classes = 3, .chunk_rows = 16}};
  std::atomic<int> replica_calls = 0;
  const MeetingLoss on_model(replica_calls, false), on_replica(replica_calls, true);
  set_num_threads(2);
  Rig<float> alone(spec), paired(spec), replica(spec);
  paired.trainer = std::make_unique<Trainer<float>>(
      *paired.model->net, paired.model->params, on_model, *paired.optimizer, nullptr, spec.options);
  paired.trainer->set_replica(*replica.model->net, replica.model->params, on_replica);
  const auto& a = alone.trainer->fit(data, &data);
  const auto& b = paired.trainer->fit(data, &data);
  set_num_threads(0);
  EXPECT_GT(replica_calls, 0);  // else no pair ran on two threads
  expect_same_bits(alone, a, paired, b);
}

// Shuffled mini-batches on two threads, where a helper gathers each next batch while the current
// one trains (data::BatchIterator): the weights and every metric are the bits of one thread.
TEST(Trainer, TwoThreadsGatheringAheadGiveTheBitsOfOne) {
  const auto data = data::make_blobs({.samples = 300, .classes = 3, .features = 40, .seed = 5});
  const Rig<float>::Spec spec{.model = "mlp:16",
                              .inputs = 40,
                              .outputs = 3,
                              .loss = "cross_entropy",
                              .optimizer = R"({"name":"sgd","lr":0.1,"momentum":0.9})",
                              .options = {.epochs = 3, .batch_size = 8, .num_classes = 3}};
  set_num_threads(1);
  Rig<float> one(spec);
  const auto a = one.trainer->fit(data, &data);
  set_num_threads(2);
  Rig<float> two(spec);
  const auto b = two.trainer->fit(data, &data);
  set_num_threads(0);
  expect_same_bits(one, a, two, b);
}

TEST(Callbacks, EarlyStoppingStopsAfterPatienceAndRestoresTheBestWeights) {
  const auto data = linear_data(100);
  Rig<double> s(
      {.optimizer = R"({"name":"sgd","lr":0.05})", .options = {.epochs = 20, .batch_size = 10}});
  // train_loss falls every epoch, so in mode max only epoch 1 "improves".
  s.trainer->add_callback(std::make_unique<EarlyStopping<double>>(
      EarlyStoppingOptions{.monitor = "train_loss", .mode = "max", .patience = 3}));
  std::vector<double> after_epoch1;
  s.trainer->add_callback(on_epoch_end<double>([&](Trainer<double>& t) {
    if (t.progress().epoch == 1) after_epoch1 = s.weights();
  }));
  s.trainer->fit(data);
  EXPECT_EQ(s.trainer->history().size(), 4u);  // epoch 1 + 3 without improvement
  EXPECT_TRUE(s.trainer->progress().stop);
  EXPECT_NE(s.trainer->progress().stop_reason.find("early stopping"), std::string::npos);
  EXPECT_EQ(s.weights(), after_epoch1);
}

TEST(Callbacks, EarlyStoppingNamesAnUnknownMetric) {
  const auto data = linear_data(20);
  Rig<double> s({.optimizer = "sgd", .options = {.epochs = 2}});
  s.trainer->add_callback(
      std::make_unique<EarlyStopping<double>>(EarlyStoppingOptions{.monitor = "val_los"}));
  try {
    s.trainer->fit(data);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no metric named 'val_los'"), std::string::npos)
        << e.what();
  }
}

TEST(Callbacks, PlateauDriverHalvesTheLrWhenTheMetricStalls) {
  const auto data = linear_data(100);
  TrainerOptions o{.epochs = 4, .batch_size = 10};
  Rig<double> s({.optimizer = R"({"name":"sgd","lr":0.1})", .options = o});
  s.with_scheduler(
      sched::make(
          *s.optimizer,
          nlohmann::json{{"name", "plateau"}, {"mode", "max"}, {"patience", 0}, {"factor", 0.5}}),
      o);
  s.trainer->add_callback(std::make_unique<PlateauDriver<double>>("train_loss"));
  const auto& h = s.trainer->fit(data);
  // Epoch 1 sets the best; epoch 2 is worse in mode max -> lr halves for epoch 3, again for 4.
  EXPECT_DOUBLE_EQ(h[0].at("lr"), 0.1);
  EXPECT_DOUBLE_EQ(h[1].at("lr"), 0.1);
  EXPECT_DOUBLE_EQ(h[2].at("lr"), 0.05);
  EXPECT_DOUBLE_EQ(h[3].at("lr"), 0.025);
}

TEST(Callbacks, ConvergenceStopsWhenTheLossStopsChanging) {
  const auto data = linear_data(100);
  Rig<double> s(
      {.optimizer = R"({"name":"sgd","lr":0.1})", .options = {.epochs = 500, .batch_size = 0}});
  s.trainer->add_callback(
      std::make_unique<Convergence<double>>(ConvergenceOptions{.loss_tol = 1e-9}));
  s.trainer->fit(data);
  EXPECT_LT(s.trainer->history().size(), 500u);
  EXPECT_NE(s.trainer->progress().stop_reason.find("converged"), std::string::npos);
  Rig<double> g(
      {.optimizer = R"({"name":"sgd","lr":0.1})", .options = {.epochs = 500, .batch_size = 0}});
  g.trainer->add_callback(
      std::make_unique<Convergence<double>>(ConvergenceOptions{.grad_tol = 1e-6}));
  g.trainer->fit(data);
  EXPECT_LT(g.trainer->history().size(), 500u);
  EXPECT_LT(g.model->params.grad_norm(), 1.0);  // zeroed after the last step
}

namespace {
/// 30 rows of linear data with row 17's first feature NaN.
data::Dataset poisoned() {
  auto d = linear_data(30);
  d.x(17, 0) = std::numeric_limits<float>::quiet_NaN();
  return d;
}
}  // namespace

TEST(Callbacks, NonFiniteGuardStopsNamingTheStepAndTensor) {
  Rig<double> s({.optimizer = R"({"name":"sgd","lr":0.1})",
                 .options = {.epochs = 1, .batch_size = 1, .shuffle = false}});
  s.trainer->add_callback(std::make_unique<NonFiniteGuard<double>>(NonFinitePolicy::stop));
  try {
    s.trainer->fit(poisoned());
    FAIL();
  } catch (const NumericalError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("step 18 (epoch 1, batch 18)"), std::string::npos) << m;
    EXPECT_NE(m.find("tensor '0.weight'"), std::string::npos) << m;
    EXPECT_NE(m.find("lower the learning rate"), std::string::npos) << m;
  }
}

TEST(Callbacks, NonFiniteGuardSkipsAndCountsBadSteps) {
  Rig<double> s(
      {.optimizer = R"({"name":"sgd","lr":0.05})", .options = {.epochs = 3, .batch_size = 1}});
  s.trainer->add_callback(std::make_unique<NonFiniteGuard<double>>(NonFinitePolicy::skip));
  s.trainer->fit(poisoned());
  EXPECT_EQ(s.trainer->progress().skipped_steps, 3);  // the poisoned row once per epoch
  EXPECT_EQ(s.trainer->progress().step, 3 * 29);
  EXPECT_FALSE(s.model->params.first_nonfinite_value());
  EXPECT_EQ(s.trainer->history().back().at("skipped_steps"), 3);
}

TEST(Clipping, GlobalNormAndValueAsTorch) {
  Params<double> p;
  p.add("a", {2});
  p.add("b", {1});
  p.allocate();
  auto g = p.grads();
  g[0] = 3, g[1] = 0, g[2] = 4;  // ||g|| = 5
  EXPECT_DOUBLE_EQ(clip_grad_norm(p, 1.0), 5.0);
  EXPECT_DOUBLE_EQ(g[0], 3 * (1.0 / (5 + 1e-6)));  // torch: g * max_norm / (total + 1e-6)
  EXPECT_NEAR(p.grad_norm(), 1.0, 1e-6);
  EXPECT_DOUBLE_EQ(clip_grad_norm(p, 10.0), p.grad_norm());  // under the limit: unchanged
  g[0] = -3, g[1] = 0.5, g[2] = 4;
  clip_grad_value(p, 1.0);
  EXPECT_EQ(std::vector<double>(g.begin(), g.end()), (std::vector<double>{-1, 0.5, 1}));
}

TEST(Callbacks, StepLoggerWritesOneRowPerStep) {
  const auto data = linear_data(40);
  Rig<double> s(
      {.optimizer = R"({"name":"sgd","lr":0.1})", .options = {.epochs = 2, .batch_size = 10}});
  s.trainer->add_callback(std::make_unique<StepLogger<double>>());
  s.trainer->fit(data);
  const auto& log = s.trainer->step_log();
  ASSERT_EQ(log.size(), 8u);
  EXPECT_EQ(log[7].at("step"), 8);
  EXPECT_DOUBLE_EQ(log[0].at("lr"), 0.1);
  EXPECT_GT(log[0].at("update_ratio"), 0);
  // First step of plain SGD: ||dW|| = lr * ||g||, so ratio = lr * grad_norm / ||W_0||.
  EXPECT_TRUE(s.trainer->history()[0].contains("grad_norm"));
}

// 4 epochs in one go and 2 + checkpoint + 2 in a fresh trainer give the same bits: weights,
// optimizer state, scheduler and the metric rows (MLP with dropout, Adam, a step schedule,
// early stopping state, shuffled mini-batches).
TEST(Checkpoint, ResumeIsBitIdentical) {
  const auto data = data::make_spirals({.samples = 120, .seed = 3});
  const auto val = data::make_spirals({.samples = 30, .seed = 4});
  const auto dir = std::filesystem::temp_directory_path() /
                   ("descent_resume_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto make = [&](std::int64_t epochs) {
    TrainerOptions o{.epochs = epochs, .batch_size = 16, .seed = 5, .num_classes = 3};
    auto s =
        std::make_unique<Rig<float>>(Rig<float>::Spec{.model = "mlp:16",
                                                      .dropout = 0.2,
                                                      .outputs = 3,
                                                      .loss = "cross_entropy",
                                                      .optimizer = R"({"name":"adam","lr":0.01})",
                                                      .options = o,
                                                      .seed = 9});
    s->with_scheduler(sched::make(*s->optimizer, R"({"name":"step","step_size":1,"gamma":0.9})"),
                      o);
    s->trainer->add_callback(std::make_unique<EarlyStopping<float>>(
        EarlyStoppingOptions{.monitor = "val_loss", .patience = 10}));
    return s;
  };
  auto straight = make(4);
  straight->trainer->fit(data, &val);

  auto first = make(2);
  first->trainer->fit(data, &val);
  save_checkpoint(*first->trainer, dir / kCheckpointFile, {{"note", "x"}});
  auto second = make(4);
  EXPECT_EQ(load_checkpoint(*second->trainer, dir / kCheckpointFile),
            (nlohmann::json{{"note", "x"}}));
  EXPECT_EQ(second->trainer->progress().epoch, 2);
  second->trainer->fit(data, &val);

  const auto a = straight->weights(), b = second->weights();
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
  EXPECT_EQ(straight->trainer->history(), second->trainer->history());
  EXPECT_EQ(straight->optimizer->state_dict().buffers, second->optimizer->state_dict().buffers);

  // A checkpoint of another model is refused with the tensor named.
  Rig<float> other({.model = "mlp:8",
                    .outputs = 3,
                    .loss = "cross_entropy",
                    .optimizer = "adam",
                    .options = {.num_classes = 3}});
  EXPECT_THROW(load_checkpoint(*other.trainer, dir / kCheckpointFile), CheckpointError);
  std::filesystem::remove_all(dir);
}

// A crafted checkpoint (valid checksums, forged trainer state) is refused with the key named: an
// epoch of 1e308 would wrap to INT64_MIN and train forever.
TEST(Checkpoint, CountsInTheTrainerStateMustBeIntegersAtLeastZero) {
  Rig<float> rig({.model = "linear", .outputs = 1, .loss = "mse", .optimizer = "sgd"});
  const nlohmann::json good = rig.trainer->state();
  EXPECT_NO_THROW(rig.trainer->load_state(good));
  for (const char* key : {"epoch", "step", "skipped_steps", "samples"})
    for (const nlohmann::json& bad :
         {nlohmann::json(1e308), nlohmann::json(-1), nlohmann::json(2.5), nlohmann::json("3"),
          nlohmann::json(std::uint64_t(INT64_MAX) + 1)}) {
      auto forged = good;
      forged[key] = bad;
      try {
        rig.trainer->load_state(forged);
        ADD_FAILURE() << key << " = " << bad.dump() << " was accepted";
      } catch (const CheckpointError& e) {
        EXPECT_EQ(e.where(), std::string("trainer.") + key) << e.what();
      }
    }
}

namespace {
/// Copies the gradients and weights the optimizer is about to use (it runs after the regularizer).
template <class T>
class GradProbe final : public Callback<T> {
 public:
  std::string name() const override { return "grad_probe"; }
  bool on_before_step(Trainer<T>& t) override {
    const auto g = t.params().grads(), w = t.params().values();
    grads.emplace_back(g.begin(), g.end());
    weights.emplace_back(w.begin(), w.end());
    return true;
  }
  std::vector<std::vector<T>> grads, weights;
};
}  // namespace

// The step sees dL/dw + dR/dw: elastic net (l1 = 0.1, l2 = 0.05) on the weights, by hand
// dR/dw = l1 sign(w) + 2 l2 w; biases keep the data gradient. train_loss stays the data loss and
// train_reg_loss is R(W) = l1 sum|w| + l2 sum w^2 at the (single) step's weights.
TEST(Regularization, TheStepSeesTheDataGradientPlusDRdw) {
  const auto data = linear_data(10);
  auto rig = [&] {
    return std::make_unique<Rig<double>>(
        Rig<double>::Spec{.optimizer = R"({"name":"sgd","lr":0.1})",
                          .options = TrainerOptions{.epochs = 1, .batch_size = 0}});
  };
  auto plain = rig(), reg = rig();
  reg->trainer->set_regularizer(nn::make_regularizer<double>(
      reg->model->params, {{"name", "elastic_net"}, {"l1", 0.1}, {"l2", 0.05}}));
  auto* p = static_cast<GradProbe<double>*>(
      &plain->trainer->add_callback(std::make_unique<GradProbe<double>>()));
  auto* r = static_cast<GradProbe<double>*>(
      &reg->trainer->add_callback(std::make_unique<GradProbe<double>>()));
  reg->trainer->add_callback(std::make_unique<StepLogger<double>>());
  plain->trainer->fit(data);
  reg->trainer->fit(data);
  ASSERT_EQ(r->grads.size(), 1u);
  const auto& w = r->weights[0];  // 0.weight (2 values), then 0.bias
  ASSERT_EQ(w, p->weights[0]);
  double penalty = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const double sign = w[i] > 0 ? 1 : -1;
    EXPECT_NEAR(r->grads[0][i], p->grads[0][i] + 0.1 * sign + 2 * 0.05 * w[i], 1e-15);
    penalty += 0.1 * std::abs(w[i]) + 0.05 * w[i] * w[i];
  }
  EXPECT_EQ(r->grads[0][2], p->grads[0][2]);
  const auto& row = reg->trainer->history()[0];
  EXPECT_EQ(row.names()[2], "train_reg_loss");
  EXPECT_DOUBLE_EQ(row.at("train_reg_loss"), penalty);
  EXPECT_EQ(row.at("train_loss"), plain->trainer->history()[0].at("train_loss"));
  EXPECT_FALSE(plain->trainer->history()[0].contains("train_reg_loss"));
  EXPECT_DOUBLE_EQ(reg->trainer->step_log()[0].at("reg_loss"), penalty);
}

// An L2 penalty l2 sum w^2 on the weights and SGD's weight_decay = 2 l2 on the weights' group are
// the same update (torch adds wd*p to the gradient): the same bits after 3 epochs of shuffled
// mini-batches with momentum, on an MLP.
TEST(Regularization, L2WithSgdIsWeightDecayOnTheWeights) {
  const auto data = data::make_spirals({.samples = 90, .seed = 2});
  const TrainerOptions o{.epochs = 3, .batch_size = 16, .seed = 4, .num_classes = 3};
  auto rig = [&] {
    return std::make_unique<Rig<double>>(
        Rig<double>::Spec{.model = "mlp:8",
                          .outputs = 3,
                          .loss = "cross_entropy",
                          .optimizer = R"({"name":"sgd","lr":0.1,"momentum":0.9})",
                          .options = o,
                          .seed = 5,
                          .groups = nn::ParamGroups{.weight = 0, .bias = 1}});
  };
  auto decay = rig(), penalty = rig();
  decay->optimizer->set_group_options(0, {{"weight_decay", 2 * 0.003}});
  penalty->trainer->set_regularizer(
      nn::make_regularizer<double>(penalty->model->params, {{"name", "l2"}, {"lambda", 0.003}}));
  decay->trainer->fit(data);
  penalty->trainer->fit(data);
  const auto a = decay->weights(), b = penalty->weights();
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0);
  EXPECT_NE(a, rig()->weights());  // (the decay did something)
}

// y = 2 x0 - 3.4 x1 + 0 x2 + 4.2 + N(0, 1): least squares gives x2 a spurious weight of about
// noise / sqrt(samples) = 0.03; an L1 penalty larger than that feature's data gradient at 0
// (|dL/dw2| = 2 |cov(x2, residual)|, about 0.06) holds w2 at 0 up to the subgradient steps' lr * l1
// (the cosine schedule takes the lr to ~0), and shrinks the real weights by l1 / (2 var x) = 0.1.
TEST(Regularization, L1DrivesTheWeightOfAnIrrelevantFeatureToZero) {
  const auto data = data::make_linear_regression(
      {.samples = 1000, .weights = {2.0, -3.4, 0.0}, .noise = 1.0, .seed = 11});
  auto fit = [&](double l1) {
    const TrainerOptions o{.epochs = 300, .batch_size = 0};
    Rig<double> s({.inputs = 3, .optimizer = R"({"name":"sgd","lr":0.05})", .options = o});
    s.with_scheduler(sched::make(*s.optimizer, R"({"name":"cosine","T_max":300})"), o);
    if (l1 > 0)
      s.trainer->set_regularizer(
          nn::make_regularizer<double>(s.model->params, {{"name", "l1"}, {"lambda", l1}}));
    s.trainer->fit(data);
    return s.weights();
  };
  const auto ols = fit(0), lasso = fit(0.2);
  EXPECT_GT(std::abs(ols[2]), 1e-2);
  EXPECT_LT(std::abs(lasso[2]), 1e-4);
  EXPECT_NEAR(lasso[0], ols[0] - 0.1, 1e-2);
  EXPECT_NEAR(lasso[1], ols[1] + 0.1, 1e-2);
}
