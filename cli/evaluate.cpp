// `descent evaluate --model RUN_DIR|model.safetensors --data test.csv [--target NAME] [--out
// evaluation.json]`: the loss, metrics and (classification) confusion matrix of a trained model on
// labelled data, computed exactly as `descent train` computes its test metrics (same names:
// test_loss, test_accuracy, ...), as a table on stdout and optionally as JSON.
#include <algorithm>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "command.hpp"
#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/data/csv_reader.hpp"
#include "descent/data/csv_rows.hpp"
#include "descent/train/model_file.hpp"
#include "model_data.hpp"

namespace {
using namespace descent;

struct EvaluateArgs {
  std::string model, data, target, out, delimiter = "auto";
};

/// The labelled rows to score, in raw units (TrainedModel::evaluate aligns and scales them).
data::Dataset load(const EvaluateArgs& args, const train::ModelCard& card) {
  if (cli::is_image_source(args.data)) return cli::load_image_source(args.data, card);
  if (!std::filesystem::is_regular_file(args.data))
    throw DataError("no such file or directory", args.data,
                    "give a CSV file, an IDX directory or fashion-mnist");
  data::CsvOptions csv;
  csv.target = args.target.empty() ? card.target : args.target;
  if (csv.target.empty())
    throw ConfigError("the model does not name its target column", "--target",
                      "add --target COLUMN");
  csv.task = card.task;
  csv.delimiter = cli::parse_delimiter(args.delimiter);
  // Columns the model does not read are skipped (a missing feature column is an error here).
  const data::CsvRowReader header(args.data, card.feature_names, csv.target, csv.delimiter);
  csv.ignore = header.unused_columns();
  if (!csv.ignore.empty())
    fmt::print(stderr, "note: ignoring column{} {} (not a feature of the model)\n",
               csv.ignore.size() > 1 ? "s" : "", fmt::join(csv.ignore, ", "));
  return data::read_csv(args.data, csv);
}

void print_confusion(const nlohmann::ordered_json& cm, const std::vector<std::string>& classes) {
  std::size_t width = 9;
  for (const auto& c : classes) width = std::max(width, c.size() + 2);
  fmt::print("\nconfusion matrix (rows: true class, columns: predicted)\n{:>{}}", "", width);
  for (const auto& c : classes) fmt::print("{:>{}}", c, width);
  fmt::print("{:>11}{:>11}{:>11}{:>9}\n", "precision", "recall", "f1", "support");
  for (std::size_t t = 0; t < classes.size(); ++t) {
    fmt::print("{:>{}}", classes[t], width);
    for (std::size_t p = 0; p < classes.size(); ++p)
      fmt::print("{:>{}}", cm["matrix"][t][p].get<std::uint64_t>(), width);
    fmt::print("{:>11.4f}{:>11.4f}{:>11.4f}{:>9}\n", cm["precision"][t].get<double>(),
               cm["recall"][t].get<double>(), cm["f1"][t].get<double>(),
               cm["support"][t].get<std::uint64_t>());
  }
}

int evaluate(const EvaluateArgs& args) {
  auto model = train::load_model(args.model);
  const auto& card = model.card();
  data::Dataset d = load(args, card);
  const std::size_t rows = d.rows();
  const auto result = model.evaluate(std::move(d), "test");

  fmt::print("{} rows of {}\n", rows, args.data);
  for (const auto& [name, value] : result.metrics.items()) fmt::print("{:<22} {}\n", name, value);
  if (!result.confusion.is_null()) print_confusion(result.confusion, card.classes);

  if (!args.out.empty()) {
    nlohmann::ordered_json j;
    j["model"] = train::model_path(args.model).string();
    j["data"] = args.data;
    j["rows"] = rows;
    j["task"] = data::to_string(card.task);
    j["metrics"] = result.metrics.to_json();
    if (!card.classes.empty()) j["classes"] = card.classes;
    if (!result.confusion.is_null()) j["confusion_matrix"] = result.confusion;
    write_file_atomic(args.out, j.dump(2) + "\n");
    fmt::print("metrics written to {}\n", args.out);
  }
  return 0;
}

const cli::Registration evaluate_command{
    "evaluate", "Score a trained model on labelled data: metrics and confusion matrix",
    [](CLI::App& sub) {
      auto args = std::make_shared<EvaluateArgs>();
      sub.add_option("--model", args->model, "run directory or model.safetensors")->required();
      sub.add_option("--data", args->data,
                     "CSV file (columns matched by name), IDX directory or fashion-mnist")
          ->required();
      sub.add_option("--target", args->target,
                     "target column of the CSV (default: the one the model was trained on)");
      sub.add_option("--out", args->out, "also write the metrics as JSON to this file");
      sub.add_option("--delimiter", args->delimiter, "CSV delimiter: auto | , | ; | tab")
          ->capture_default_str();
      return [args]() { return evaluate(*args); };
    }};
}  // namespace
