#pragma once
// Scoring a model on a labelled data set: loss and metrics in evaluation mode, in batches, named
// "<prefix>_loss", "<prefix>_accuracy", ... The Trainer's validation and test passes and
// TrainedModel::evaluate (model_file.hpp) share this one function, so a saved model scores a test
// set exactly as the run that wrote it did.
#include <cstddef>
#include <string>

#include "descent/core/communicator.hpp"
#include "descent/data/dataset.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/train/confusion_matrix.hpp"
#include "descent/train/metric.hpp"
#include "descent/train/metric_row.hpp"

namespace descent::train {

struct EvaluationOptions {
  std::size_t num_classes = 0;    // 0 = regression
  double target_scale = 1;        // regression targets divided by this: mse/mae in the data's units
  std::size_t top_k = 0;          // also top-k accuracy when > 0
  std::size_t batch_size = 1024;  // rows per forward pass
};

/// The metrics an evaluation (or a training epoch) accumulates: mean loss, then accuracy (and
/// top-k; ROC AUC for two classes) or MSE/MAE/R^2.
template <class T>
MetricList<T> make_metrics(const EvaluationOptions& options);

/// The metrics' view of a batch: outputs, `labels` / the rows of `target` starting at `first`.
template <class T>
EvalBatch<T> eval_batch(const nn::Matrix<T>& out, const nn::Matrix<T>& target, Eigen::Index first,
                        std::span<const std::int32_t> labels, double loss);

/// Loss and metrics of `data` (features already scaled as the model was trained) in evaluation
/// mode, in batches of options.batch_size rows from row 0; resets `observer` (a ConfusionMatrix,
/// a PredictedVsActual) and updates it with every batch when given; its write() is not called. The
/// model is left in training mode. With a communicator of several ranks each rank runs the
/// forward passes of its share of the batches, and every rank gathers every batch's outputs and
/// loss and updates the metrics batch by batch in order: the bits of one process.
template <class T>
MetricRow evaluate(nn::Sequential<T>& model, const nn::Loss<T>& loss, const data::Dataset& data,
                   const std::string& prefix, const EvaluationOptions& options,
                   Metric<T>* observer = nullptr, Communicator* comm = nullptr);

}  // namespace descent::train
