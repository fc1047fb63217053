#pragma once
// What `descent train` and `descent lr-find` share: the flags that map to config keys, loading the
// data a config names (split, scaled), and building model, loss, optimizer and schedule from it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "descent/config/run_config.hpp"
#include "descent/data/dataset.hpp"
#include "descent/data/scaler.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/model_spec.hpp"
#include "descent/nn/regularizer.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/sched/scheduler.hpp"
#include "descent/train/trainer.hpp"

namespace descent::cli {

/// Command-line flags, each an alias of one config key ("--epochs" -> train.epochs; a boolean key's
/// flag alone means true: --log-steps, --log-steps=false), plus --optimizer/--schedule/
/// --regularization (JSON or a name: the whole table), --l1/--l2 (the regularization table from
/// strengths), --no-shuffle, and --set key=value.
class ConfigFlags {
 public:
  /// The data and model flags (train and lr-find); with_training adds the training ones.
  void declare(CLI::App& app, bool with_training);
  /// Applies the flags that were given, then the --set assignments, over `config`.
  void apply(RunConfig& config) const;

 private:
  struct Flag {
    std::string key;
    std::string value;
    CLI::Option* option = nullptr;
    bool boolean = false;  // a boolean key: the flag alone means true
  };
  void add(CLI::App& app, const std::string& flag, const std::string& key);
  std::vector<std::unique_ptr<Flag>> flags_;
  std::string optimizer_, schedule_, regularization_;
  double l1_ = 0, l2_ = 0;
  bool no_shuffle_ = false;
  CLI::Option *optimizer_option_ = nullptr, *schedule_option_ = nullptr,
              *regularization_option_ = nullptr, *l1_option_ = nullptr, *l2_option_ = nullptr;
  std::vector<std::string> sets_;
};

struct LoadedData {
  data::Dataset train, val, test;
  data::Task task = data::Task::regression;
  std::vector<std::string> classes;
  std::optional<data::Scaler> scaler;
  /// Regression with data.scale_target = standardize: y' = (y - target_mean) / target_std.
  double target_mean = 0, target_std = 1;
  std::size_t outputs() const { return classes.empty() ? 1 : classes.size(); }
};

/// An IDX directory's file `name` (e.g. "t10k-images-idx3-ubyte"), gzipped or not; DataError if
/// absent.
std::filesystem::path idx_file(const std::filesystem::path& dir, const std::string& name);

/// Loads and splits the data named by data.path (CSV file, IDX directory, fashion-mnist,
/// synthetic:linear|blobs|spirals) and fits the scaler on the training rows only.
LoadedData load_data(const RunConfig& config);

/// The model, loss, regularizer, optimizer and schedule of a run, in scalar type T.
template <class T>
struct RunParts {
  std::unique_ptr<nn::Model<T>> model;
  std::unique_ptr<nn::Loss<T>> loss;
  std::optional<nn::Regularizer<T>> regularizer;  // none without a regularization table
  std::unique_ptr<optim::Optimizer<T>> optimizer;
  std::unique_ptr<sched::Scheduler> scheduler;  // null without a schedule
};

/// The model.* keys as a ModelSpec (validated).
nn::ModelSpec model_spec(const RunConfig& config);
/// model.loss with "auto" resolved: cross_entropy for classification, mse for regression.
std::string loss_spec(const RunConfig& config, const LoadedData& data);

/// The optimizer table, with model.no_decay = bias turned into the groups [{}, {weight_decay: 0}]
/// (weights, biases); ConfigError for more than 2 groups or both ways at once.
nlohmann::json optimizer_table(const RunConfig& config);

/// The model's outputs: one per class, one for regression, and one logit for a two-class target
/// with a binary loss (bce_with_logits, binary_focal); ConfigError for a binary loss on more
/// classes.
std::size_t model_outputs(const RunConfig& config, const LoadedData& data);

/// A run's model and loss, checked as build_parts checks them, without regularizer, optimizer or
/// schedule: what a replica of the model needs (train.cpp).
template <class T>
RunParts<T> build_model_parts(const RunConfig& config, const LoadedData& data);

/// build_model_parts, then the regularizer, the optimizer and (with_schedule) the schedule.
template <class T>
RunParts<T> build_parts(const RunConfig& config, const LoadedData& data, bool with_schedule = true);

/// TrainerOptions from the train.* keys.
train::TrainerOptions trainer_options(const RunConfig& config, const LoadedData& data);

/// Whether a schedule's parameters count optimizer steps (warmup, inverse_sqrt, cyclic, onecycle):
/// with train.schedule_step = auto it is stepped after every optimizer step, else once per epoch.
bool counts_steps(const std::string& schedule);
/// Optimizer steps per epoch: batches of the training split (drop_last honoured) per accumulate.
std::int64_t steps_per_epoch(const RunConfig& config, const LoadedData& data);
/// OneCycle: total_steps derived from epochs x steps per epoch when absent (and recorded in the
/// config), or checked against them before the first step; ConfigError when too few.
void complete_schedule(RunConfig& config, const LoadedData& data);

/// train.monitor resolved: "auto" -> val_loss with a validation split, else train_loss.
std::string monitor_metric(const RunConfig& config, const LoadedData& data);

}  // namespace descent::cli
