#pragma once
// The configuration of a training run (`descent train`, `descent lr-find`): a TOML document with
// the sections data, model, optimizer, schedule, train, regularization, output. Every key of
// data/model/train/output is declared once in a schema (type, default, range, help); optimizer,
// schedule and regularization are free tables handed to optim::make / sched::make /
// nn::make_regularizer, which validate them strictly (an empty schedule or regularization: none).
// Values come, in order of precedence, from defaults < the config file < command-line flags < --set
// key=value. Unknown keys and values of the wrong type are ConfigErrors naming file:line (or --set)
// and the key, with a "did you mean". The resolved configuration is written back as TOML with
// shortest round-trip numbers.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace descent::train {

enum class ValueKind { string, integer, number, boolean };

struct ConfigKey {
  std::string key;  // "train.epochs"
  ValueKind kind;
  std::string fallback;  // default, as TOML text ("10", "\"relu\"", "true")
  std::string help;
  double min = -1e300;  // numbers and integers: smallest allowed value
};

/// Every key of the sections data, model, train and output.
const std::vector<ConfigKey>& config_schema();

class RunConfig {
 public:
  /// Every schema key at its default; optimizer {name = "adam", lr = 0.001}; no schedule, no
  /// regularization.
  RunConfig();

  /// Merges a TOML file over the current values.
  void merge_file(const std::filesystem::path& path);
  /// Merges TOML text; `origin` names it in errors (a file name).
  void merge_text(std::string_view toml, const std::string& origin);
  /// "key=value"; the value is TOML (3, 0.1, true, "text", [0.9, 0.99]) or, for string keys,
  /// plain text. Keys: "section.key", or any "optimizer.*" / "schedule.*" / "regularization.*".
  void set(std::string_view assignment);
  /// Sets one key from text as set() does; `origin` names the source in errors ("--epochs").
  void set(const std::string& key, std::string_view value, const std::string& origin);
  /// Replaces a free table: optimizer, schedule or regularization (from --optimizer JSON, ...).
  void set_table(const std::string& section, const nlohmann::json& table);

  std::string str(const std::string& key) const;
  double number(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  bool boolean(const std::string& key) const;
  /// A free table as JSON (an empty object when no schedule / regularization is set).
  nlohmann::json table(const std::string& section) const;

  /// The resolved configuration as TOML, every key present.
  std::string to_toml() const;

 private:
  const nlohmann::ordered_json& value(const std::string& key) const;
  void assign(const std::string& key, nlohmann::json value, const std::string& origin);

  nlohmann::ordered_json values_;  // {"data": {...}, "model": {...}, "optimizer": {...}, ...}
};

}  // namespace descent::train
