#pragma once
// The configuration of a training run (`descent train`, `descent lr-find`): a TOML document with
// the sections data, model, optimizer, schedule, train, regularization, output. Each of data,
// model, train and output is a typed options struct owned by the layer that reads it
// (data::DataOptions, nn::ModelOptions, train::TrainOptions, report::OutputOptions), declared once
// with core/options.hpp; optimizer, schedule and regularization are specs handed to optim::make /
// sched::make / nn::make_regularizer, which validate them strictly (an empty schedule or
// regularization: none).
// Values come, in order of precedence, from defaults < the config file < command-line flags < --set
// key=value. Unknown keys and values of the wrong type or out of range are ConfigErrors naming
// file:line (or the flag) and the key, with a "did you mean". The resolved configuration is written
// back as TOML with shortest round-trip numbers.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/data/data_options.hpp"
#include "descent/nn/model_options.hpp"
#include "descent/report/output_options.hpp"
#include "descent/train/train_options.hpp"

namespace descent {

struct RunConfig {
  data::DataOptions data;
  nn::ModelOptions model;
  nlohmann::json optimizer = {{"name", "adam"}, {"lr", 0.001}};
  nlohmann::json schedule = nlohmann::json::object();
  train::TrainOptions train;
  nlohmann::json regularization = nlohmann::json::object();
  report::OutputOptions output;

  /// Merges a TOML file over the current values.
  void merge_file(const std::filesystem::path& path);
  /// Merges TOML text; `origin` names it in errors (a file name).
  void merge_text(std::string_view toml, const std::string& origin);
  /// "key=value"; the value is TOML (3, 0.1, true, "text", [0.9, 0.99]) or, for string keys,
  /// plain text. Keys: "section.key", or any "optimizer.*" / "schedule.*" / "regularization.*".
  void set(std::string_view assignment);
  /// Sets one key from text as set() does; `origin` names the source in errors ("--epochs").
  void set(const std::string& key, std::string_view value, const std::string& origin);
  /// Replaces a spec table: optimizer, schedule or regularization (from --optimizer JSON, ...).
  void set_table(const std::string& section, const nlohmann::json& table);

  /// The resolved configuration as TOML, every key present.
  std::string to_toml() const;
  /// The same as JSON: {"data": {...}, "model": {...}, "optimizer": {...}, ...}.
  nlohmann::json to_json() const;

  /// A typed key ("train.epochs"): its doc and whether it is a boolean (a flag alone means true).
  struct KeyInfo {
    std::string doc;
    std::string fallback;  // the default, as TOML text
    bool boolean = false;
  };
  static std::optional<KeyInfo> key_info(const std::string& key);

 private:
  void assign(const std::string& key, const nlohmann::json& value, const std::string& origin);
};

}  // namespace descent
