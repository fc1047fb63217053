#pragma once
// model.safetensors: a trained model that needs nothing else to be used. The tensors are the
// weights (named as in the Sequential: "0.weight", "0.bias", ...); the metadata entry "model"
// (JSON) is the ModelCard: architecture (layer sizes, activation, dropout, the layers as torch
// prints them), dtype, input and output sizes, feature names in input order, the feature scaler,
// the target and its scaler (regression) or class names (classification), task, loss and the
// descent version that wrote it.
//
//   auto model = descent::train::load_model("runs/train");    // or .../model.safetensors
//   auto p = model.predict(x);   // x: raw feature rows, columns in model.card().feature_names
//   order
//
// predict applies the feature scaler, runs the network in evaluation mode in batches of 1024 rows
// and returns class probabilities (softmax of the logits; sigmoid of a single binary logit) or,
// for regression, the prediction in the data's units: y = std * output + mean.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/params.hpp"
#include "descent/core/safetensors.hpp"
#include "descent/data/dataset.hpp"
#include "descent/data/scaler.hpp"
#include "descent/nn/model_spec.hpp"
#include "descent/train/metric_row.hpp"

namespace descent::train {

/// File name of the model in a run directory.
inline constexpr const char* kModelFile = "model.safetensors";

/// Everything beside the weights that using a model needs.
struct ModelCard {
  nn::ModelSpec spec{};         // hidden sizes, activation, negative_slope, dropout
  std::string dtype = "float";  // float | double
  std::size_t inputs = 0, outputs = 0;
  data::Task task = data::Task::regression;
  std::string loss{};                        // as make_loss reads it: a name or JSON with options
  std::vector<std::string> feature_names{};  // input order
  std::string target{};                      // target column name ("" when unknown)
  std::vector<std::string> classes{};        // class id -> name (classification)
  std::optional<data::Scaler> scaler{};      // feature scaler (none: features used as they are)
  double target_mean = 0, target_std = 1;    // regression: y = target_std * output + target_mean
  std::string version{};                     // descent version that wrote the file

  /// The "model" metadata entry; `layers` are the network's layer descriptions.
  nlohmann::ordered_json to_json(const std::vector<std::string>& layers = {}) const;
  /// Inverse of to_json. CheckpointError naming `origin` and every missing entry.
  static ModelCard from_json(const nlohmann::json& json, const std::string& origin);
};

/// Writes the weights and the card to `path` atomically (params in arena order).
template <class T>
void save_model(const std::filesystem::path& path, const ModelCard& card, const Params<T>& params,
                const std::vector<std::string>& layers = {});

/// Copies every tensor of `params` from `file` (by name). CheckpointError naming the tensor and
/// both shapes when a shape differs, or the tensor when it is absent.
template <class T>
void load_weights(const SafetensorsFile& file, Params<T>& params);

/// `path` itself, or `path`/model.safetensors when `path` is a directory.
std::filesystem::path model_path(const std::filesystem::path& path);

/// A model read back from model.safetensors, in the dtype it was trained in.
class TrainedModel {
 public:
  TrainedModel(TrainedModel&&) noexcept;
  TrainedModel& operator=(TrainedModel&&) noexcept;
  ~TrainedModel();

  const ModelCard& card() const { return card_; }
  /// Rows of raw features (the data's units, columns in card().feature_names order) ->
  /// classification: [rows, classes] probabilities; regression: [rows, 1] predictions.
  /// DataError if the column count differs.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> predict(
      const data::Matrix& x);

  struct Evaluation {
    MetricRow metrics;                 // "<prefix>_loss", "<prefix>_accuracy", ...
    nlohmann::ordered_json confusion;  // classification: as summary.json's confusion_matrix
  };
  /// Loss and metrics of a labelled data set in raw units (features and classes matched by name
  /// with data::align; a regression target scaled as in training), computed exactly as the
  /// training run computed its test metrics.
  Evaluation evaluate(data::Dataset data, const std::string& prefix = "test");

  struct Impl;  // the network and loss in the file's dtype (model_file.cpp)

 private:
  friend TrainedModel load_model(const std::filesystem::path& path);
  TrainedModel(ModelCard card, std::unique_ptr<Impl> impl);
  ModelCard card_;
  std::unique_ptr<Impl> impl_;
};

/// Loads a model file or a run directory's model.safetensors. CheckpointError for a missing,
/// corrupt or older file (naming what it lacks).
TrainedModel load_model(const std::filesystem::path& path);

}  // namespace descent::train
