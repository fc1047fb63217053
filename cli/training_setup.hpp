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

template <class T>
RunParts<T> build_parts(const RunConfig& config, const LoadedData& data, bool with_schedule = true);

/// TrainerOptions from the train.* keys.
train::TrainerOptions trainer_options(const RunConfig& config, const LoadedData& data);

/// train.monitor resolved: "auto" -> val_loss with a validation split, else train_loss.
std::string monitor_metric(const RunConfig& config, const LoadedData& data);

}  // namespace descent::cli
