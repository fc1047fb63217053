// Train once, use later: a model saved with its card (train::save_model: architecture, feature
// names, scaler, classes) is loaded back with train::load_model and scores raw, unscaled rows with
// predict() and evaluate() -- nothing else from the training run is needed. Exits non-zero if the
// reloaded model does not reproduce the trained one.
#include <cstdio>
#include <filesystem>

#include "descent/data/scaler.hpp"
#include "descent/data/split.hpp"
#include "descent/data/synthetic.hpp"
#include "descent/nn/loss.hpp"
#include "descent/optim/factory.hpp"
#include "descent/train/model_file.hpp"
#include "descent/train/trainer.hpp"

int main() {
  using namespace descent;
  auto [train, val, test] = data::split(data::make_blobs({.samples = 600, .classes = 3}),
                                        {.test = 0.25, .seed = 1, .stratify = true});
  // Train on standardized features (the scaler is fitted on the training rows only).
  const auto scaler = data::Scaler::fit(data::ScalerKind::standardize, train.x);
  scaler.transform(train.x);
  const nn::ModelSpec spec = nn::parse_model_spec("mlp:16");
  auto model = nn::make_model<float>(spec, train.features(), 3, /*seed=*/0);
  auto loss = nn::make_loss<float>("cross_entropy");
  auto optimizer = optim::make<float>(model->params, R"({"name": "adam", "lr": 0.01})");
  train::Trainer<float> trainer(*model->net, model->params, *loss, *optimizer, nullptr,
                                {.epochs = 20, .num_classes = 3});
  trainer.fit(train);

  // Save the weights with everything needed to use them ...
  const train::ModelCard card{.spec = spec,
                              .inputs = train.features(),
                              .outputs = 3,
                              .task = data::Task::classification,
                              .loss = "cross_entropy",
                              .feature_names = train.feature_names,
                              .target = train.target_name,
                              .classes = train.class_names,
                              .scaler = scaler};
  const auto path = std::filesystem::temp_directory_path() / "descent_example_model.safetensors";
  train::save_model(path, card, model->params);

  // ... and use them: raw test rows in, class probabilities out.
  auto loaded = train::load_model(path);
  std::filesystem::remove(path);
  const auto probabilities = loaded.predict(test.x);
  std::size_t correct = 0;
  for (Eigen::Index i = 0; i < probabilities.rows(); ++i) {
    Eigen::Index best;
    probabilities.row(i).maxCoeff(&best);
    correct += best == test.labels[static_cast<std::size_t>(i)];
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(test.rows());
  const double evaluated = loaded.evaluate(test).metrics.at("test_accuracy");
  std::printf("test accuracy %.3f from predict, %.3f from evaluate\n", accuracy, evaluated);
  return accuracy > 0.9 && accuracy == evaluated ? 0 : 1;
}
