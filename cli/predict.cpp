// `descent predict --model RUN_DIR|model.safetensors --data new.csv [--out predictions.csv]`:
// one output row per input row: the target when the data has it (passed through), then the
// predicted class name and one probability column per class, or the regression prediction in the
// data's units. CSV columns are matched by name; the file is read in blocks of rows and scored in
// batches, so memory does not grow with the input. IDX folders and fashion-mnist work too.
#include <algorithm>
#include <optional>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "command.hpp"
#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/data/align.hpp"
#include "descent/data/csv_rows.hpp"
#include "descent/train/model_file.hpp"
#include "model_data.hpp"

namespace {
using namespace descent;
using cli::csv_field;

// Rows scored at a time: a multiple of the forward batch (1024 rows), and at most kBlockBytes of
// feature values and passed-through text, so a wide or long-lined file keeps a bounded footprint.
constexpr std::size_t kBlockRows = 8192;
constexpr std::size_t kBlockBytes = std::size_t{32} << 20;

/// Writes prediction rows as CSV text to stdout or to a file written atomically.
class PredictionWriter {
 public:
  PredictionWriter(const train::ModelCard& card, const std::string& out, bool with_target)
      : card_(card), with_target_(with_target) {
    if (out != "-") file_.emplace(out);
    std::string header =
        with_target ? csv_field(card.target.empty() ? "target" : card.target) + "," : "";
    header += "prediction";
    for (const auto& c : card.classes) header += "," + csv_field("p_" + c);
    emit(header + "\n");
  }

  void rows(const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& p,
            const std::vector<std::string>& targets) {
    const bool as_float = card_.dtype == "float";
    text_.clear();
    for (Eigen::Index i = 0; i < p.rows(); ++i) {
      if (with_target_) text_ += csv_field(targets[static_cast<std::size_t>(i)]) + ",";
      if (card_.classes.empty()) {
        fmt::format_to(std::back_inserter(text_), "{}", p(i, 0));
      } else {
        Eigen::Index best = 0;  // the first most probable class
        for (Eigen::Index j = 1; j < p.cols(); ++j)
          if (p(i, j) > p(i, best)) best = j;
        text_ += csv_field(card_.classes[static_cast<std::size_t>(best)]);
        for (Eigen::Index j = 0; j < p.cols(); ++j) {
          if (as_float)
            fmt::format_to(std::back_inserter(text_), ",{}", static_cast<float>(p(i, j)));
          else
            fmt::format_to(std::back_inserter(text_), ",{}", p(i, j));
        }
      }
      text_ += '\n';
    }
    emit(text_);
  }

  void commit() {
    if (file_)
      file_->commit();
    else
      std::fflush(stdout);
  }

 private:
  void emit(const std::string& text) {
    if (file_)
      file_->write(text);
    else
      fmt::print("{}", text);
  }
  const train::ModelCard& card_;
  bool with_target_;
  std::optional<AtomicFileWriter> file_;
  std::string text_;
};

int predict(const std::string& model_path, const std::string& data_path, const std::string& out,
            const std::string& delimiter) {
  auto model = train::load_model(model_path);
  const auto& card = model.card();
  std::size_t rows = 0;
  if (cli::is_image_source(data_path)) {
    data::Dataset d = cli::load_image_source(data_path, card);
    data::align(d, card.feature_names, {});
    std::vector<std::string> targets;
    PredictionWriter writer(card, out, true);
    for (std::size_t begin = 0; begin < d.rows(); begin += kBlockRows) {
      const std::size_t n = std::min(kBlockRows, d.rows() - begin);
      targets.clear();
      for (std::size_t i = begin; i < begin + n; ++i)
        targets.push_back(d.class_names[static_cast<std::size_t>(d.labels[i])]);
      writer.rows(model.predict(d.x.middleRows(static_cast<Eigen::Index>(begin),
                                               static_cast<Eigen::Index>(n))),
                  targets);
    }
    rows = d.rows();
    writer.commit();
  } else {
    if (!std::filesystem::is_regular_file(data_path))
      throw DataError("no such file or directory", data_path,
                      "give a CSV file, an IDX directory or fashion-mnist");
    data::CsvRowReader reader(data_path, card.feature_names, card.target,
                              cli::parse_delimiter(delimiter));
    if (!reader.unused_columns().empty())
      fmt::print(stderr, "note: ignoring column{} {} (not a feature of the model)\n",
                 reader.unused_columns().size() > 1 ? "s" : "",
                 fmt::join(reader.unused_columns(), ", "));
    PredictionWriter writer(card, out, reader.has_passthrough());
    data::Matrix x;
    std::vector<std::string> targets;
    while (reader.next(kBlockRows, kBlockBytes, x, targets) > 0)
      writer.rows(model.predict(x), targets);
    rows = reader.rows_read();
    if (rows == 0)
      throw DataError("the CSV file has a header but no data rows", data_path,
                      "add rows below the header");
    writer.commit();
  }
  if (out != "-") fmt::print(stderr, "{} predictions written to {}\n", rows, out);
  return 0;
}

const cli::Registration predict_command{
    "predict", "Predict with a trained model (run directory or model.safetensors) on new data",
    [](CLI::App& sub) {
      struct Args {
        std::string model, data, out = "-", delimiter = "auto";
      };
      auto args = std::make_shared<Args>();
      sub.add_option("--model", args->model, "run directory or model.safetensors")->required();
      sub.add_option("--data", args->data,
                     "CSV file (columns matched by name), IDX directory or fashion-mnist")
          ->required();
      sub.add_option("--out", args->out, "predictions CSV, written atomically (- = stdout)")
          ->capture_default_str();
      sub.add_option("--delimiter", args->delimiter, "CSV delimiter: auto | , | ; | tab")
          ->capture_default_str();
      return [args]() { return predict(args->model, args->data, args->out, args->delimiter); };
    }};
}  // namespace
