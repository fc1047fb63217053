#pragma once
// The course's experiments (`descent compare --experiment NAME`, `--list`): each one a declarative
// entry, a base configuration and what varies, run by descent compare like any other comparison.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace descent::cli {

/// What an experiment compares: training runs (a grid over a RunConfig), optimizer paths on test
/// functions, or one learning-rate range test.
enum class ExperimentKind { training, paths, range_test };

/// A test function with its parameters, e.g. {"ill-conditioned", {"k=50"}}.
struct FunctionChoice {
  std::string name;
  std::vector<std::string> params;
};

struct Experiment {
  std::string name;
  std::string course;  // the course table or figure it reproduces
  std::string shows;   // the outcome, in one line
  ExperimentKind kind = ExperimentKind::training;
  // training and range_test: key=value over the defaults, then --vary KEY=V1,V2,...
  std::vector<std::string> base;
  std::vector<std::string> vary;
  std::optional<double> target;  // epochs until the monitored metric reaches it
  std::string figure_metric;     // the overlaid curve: "train_loss", or "steps:loss" per step
  // paths: every function x start x optimizer
  std::vector<FunctionChoice> functions;
  std::vector<std::string> starts;  // x0 as "X,Y"; empty: the function's usual start
  std::vector<std::string> optimizers;
  std::int64_t steps = 0;
};

const std::vector<Experiment>& experiments();
/// The experiment called `name`; ConfigError naming --experiment with "did you mean" otherwise.
const Experiment& find_experiment(const std::string& name);

}  // namespace descent::cli
