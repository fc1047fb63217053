// The library's training loop in one page: an MLP classifies seeded Gaussian blobs with AdamW, a
// cosine schedule and early stopping; prints the validation accuracy per epoch. Exits non-zero if
// the model does not learn (ctest runs it, so this example cannot silently rot).
#include <cstdio>
#include <memory>

#include "descent/data/split.hpp"
#include "descent/data/synthetic.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/model_spec.hpp"
#include "descent/optim/factory.hpp"
#include "descent/sched/factory.hpp"
#include "descent/train/early_stopping.hpp"
#include "descent/train/trainer.hpp"

int main() {
  using namespace descent;
  const auto [train, val, unused_test] = data::split(
      data::make_blobs({.samples = 800, .classes = 4}), {.val = 0.25, .seed = 1, .stratify = true});

  auto model = nn::make_model<float>(nn::parse_model_spec("mlp:32"), train.features(), 4,
                                     /*seed=*/0);
  auto loss = nn::make_loss<float>("cross_entropy");
  auto optimizer = optim::make<float>(model->params, R"({"name": "adamw", "lr": 0.01})");
  auto schedule =
      sched::make(*optimizer, nlohmann::json::parse(R"({"name": "cosine", "T_max": 30})"));

  train::Trainer<float> trainer(*model->net, model->params, *loss, *optimizer, schedule.get(),
                                {.epochs = 30, .batch_size = 32, .num_classes = 4});
  trainer.add_callback(std::make_unique<train::EarlyStopping<float>>(
      train::EarlyStoppingOptions{.monitor = "val_loss", .patience = 5}));

  for (const auto& row : trainer.fit(train, &val))
    std::printf("epoch %2.0f  val_loss %.4f  val_accuracy %.3f\n", row.at("epoch"),
                row.at("val_loss"), row.at("val_accuracy"));
  const double accuracy = trainer.evaluate(val, "val").at("val_accuracy");
  std::printf("validation accuracy %.3f\n", accuracy);
  return accuracy > 0.9 ? 0 : 1;
}
