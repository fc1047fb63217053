#include "descent/train/config.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>
#include <toml++/toml.h>

#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"

namespace descent::train {

namespace {
using Kind = ValueKind;
const std::vector<std::string> kSections = {"data",  "model",          "optimizer", "schedule",
                                            "train", "regularization", "output"};

bool free_section(const std::string& s) {
  return s == "optimizer" || s == "schedule" || s == "regularization";
}

std::vector<std::string> schema_keys() {
  std::vector<std::string> keys;
  for (const auto& k : config_schema()) keys.push_back(k.key);
  return keys;
}

const ConfigKey* find_key(const std::string& key) {
  for (const auto& k : config_schema())
    if (k.key == key) return &k;
  return nullptr;
}

std::string hint_for(const std::string& key, const std::vector<std::string>& candidates) {
  const std::string guess = closest_match(key, candidates);
  return guess.empty() ? "see `descent train --help` for the keys"
                       : "did you mean '" + guess + "'?";
}

std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::string:
      return "a string";
    case Kind::integer:
      return "an integer";
    case Kind::number:
      return "a number";
    case Kind::boolean:
      return "true or false";
  }
  return "";
}

nlohmann::json to_json(const toml::node& node) {
  if (auto* t = node.as_table()) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : *t) j[std::string(k.str())] = to_json(v);
    return j;
  }
  if (auto* a = node.as_array()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& v : *a) j.push_back(to_json(v));
    return j;
  }
  if (auto v = node.value<std::int64_t>(); v && node.is_integer()) return *v;
  if (auto v = node.value<double>(); v && node.is_floating_point()) return *v;
  if (auto v = node.value<bool>()) return *v;
  if (auto v = node.value<std::string>()) return *v;
  throw ConfigError("unsupported TOML value (dates and times are not configuration values)", "");
}

/// A TOML value from text ("3", "0.1", "[0.9, 0.99]", "\"x\""); nullopt when it is not TOML.
std::optional<nlohmann::json> parse_value(std::string_view text) {
  try {
    auto doc = toml::parse("v = " + std::string(text));
    return to_json(*doc.get("v"));
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string toml_key(const std::string& k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? k : toml_string(k);
}

/// A JSON value as TOML (inline tables for nested objects); floats shortest round-trip.
std::string toml_value(const nlohmann::ordered_json& v) {
  if (v.is_string()) return toml_string(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return fmt::format("{}", v.get<std::int64_t>());
  if (v.is_number_unsigned()) return fmt::format("{}", v.get<std::uint64_t>());
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    std::string s = fmt::format("{}", d);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
  }
  if (v.is_array()) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + toml_value(v[i]);
    return s + "]";
  }
  if (v.is_object()) {
    std::string s = "{";
    bool first = true;
    for (const auto& [k, x] : v.items()) {
      s += (first ? " " : ", ") + toml_key(k) + " = " + toml_value(x);
      first = false;
    }
    return s + (first ? "}" : " }");
  }
  return "\"\"";
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto dot = key.find('.');
  if (dot == std::string::npos) return {key, ""};
  return {key.substr(0, dot), key.substr(dot + 1)};
}
}  // namespace

const std::vector<ConfigKey>& config_schema() {
  static const std::vector<ConfigKey> schema = {
      {"data.path", Kind::string, "\"\"",
       "CSV file, IDX directory, fashion-mnist, or synthetic:linear|blobs|spirals"},
      {"data.target", Kind::string, "\"\"", "CSV: name of the target column"},
      {"data.task", Kind::string, "\"auto\"", "auto | classification | regression"},
      {"data.ignore", Kind::string, "\"\"", "CSV: comma-separated columns to skip"},
      {"data.delimiter", Kind::string, "\"auto\"", "CSV field separator: auto | , | ; | tab"},
      {"data.test", Kind::string, "\"\"", "CSV: a separate test file, scored at the end"},
      {"data.val_split", Kind::number, "0.1",
       "fraction of the training rows held out for validation", 0},
      {"data.test_split", Kind::number, "0.0",
       "fraction held out for testing (data without its own test set)", 0},
      {"data.scale", Kind::string, "\"standardize\"",
       "feature scaling: standardize | minmax | none"},
      {"data.scale_target", Kind::string, "\"standardize\"",
       "regression: standardize the target for training (fitted on train; metrics stay in the "
       "data's units, the loss is in standardized units) | none"},
      {"data.samples", Kind::integer, "1000", "synthetic data: number of samples", 1},
      {"data.noise", Kind::number, "0.1", "synthetic data: noise level", 0},
      {"model.spec", Kind::string, "\"mlp:64\"", "linear | mlp:H1,H2,... (hidden sizes)"},
      {"model.activation", Kind::string, "\"relu\"", "relu | leaky_relu | sigmoid | tanh | gelu"},
      {"model.dropout", Kind::number, "0.0", "dropout probability after each hidden activation", 0},
      {"model.init", Kind::string, "\"default\"",
       "default | xavier_uniform | xavier_normal | kaiming_uniform | kaiming_normal | zeros"},
      {"model.loss", Kind::string, "\"auto\"",
       "loss name or JSON; auto = cross_entropy (classification) / mse (regression)"},
      {"model.dtype", Kind::string, "\"float\"", "scalar type of the parameters: float | double"},
      {"model.init_from", Kind::string, "\"\"", "start from these weights (model.safetensors)"},
      {"model.no_decay", Kind::string, "\"\"", "bias: no weight decay on the biases"},
      {"train.epochs", Kind::integer, "10", "number of epochs", 0},
      {"train.batch_size", Kind::integer, "32", "rows per batch; 0 = all (batch gradient descent)",
       0},
      {"train.shuffle", Kind::boolean, "true", "reshuffle the training rows every epoch"},
      {"train.drop_last", Kind::boolean, "false", "drop the last partial batch of an epoch"},
      {"train.seed", Kind::integer, "0", "seed of initialization, shuffling, dropout and splits",
       0},
      {"train.threads", Kind::integer, "0", "threads (0 = OpenMP default)", 0},
      {"train.accumulate", Kind::integer, "1", "batches per optimizer step (gradient accumulation)",
       1},
      {"train.schedule_step", Kind::string, "\"auto\"",
       "step the schedule per epoch | batch; auto = after every optimizer step for schedules "
       "counted in steps (warmup, inverse_sqrt, cyclic, onecycle), else per epoch"},
      {"train.monitor", Kind::string, "\"auto\"",
       "metric for early stopping, plateau and best epoch; auto = val_loss (train_loss without "
       "val)"},
      {"train.monitor_mode", Kind::string, "\"auto\"", "min | max | auto (from the metric name)"},
      {"train.early_stopping", Kind::integer, "0", "patience in epochs (0 = off)", 0},
      {"train.min_delta", Kind::number, "0.0", "smallest change that counts as an improvement", 0},
      {"train.restore_best", Kind::boolean, "true",
       "early stopping: restore the best epoch's weights"},
      {"train.clip_norm", Kind::number, "0.0", "clip the global gradient norm to this (0 = off)",
       0},
      {"train.clip_value", Kind::number, "0.0", "clip each gradient element to +-this (0 = off)",
       0},
      {"train.nonfinite", Kind::string, "\"stop\"",
       "on NaN/Inf loss or gradient: stop | skip the step"},
      {"train.grad_tol", Kind::number, "0.0", "stop when the gradient norm falls below (0 = off)",
       0},
      {"train.loss_tol", Kind::number, "0.0", "stop when train_loss changes less than (0 = off)",
       0},
      {"train.param_tol", Kind::number, "0.0", "stop when the parameters move less than (0 = off)",
       0},
      {"train.top_k", Kind::integer, "0", "also log top-k accuracy (0 = off)", 0},
      {"train.log_steps", Kind::boolean, "false",
       "write steps.csv: loss, lr, gradient norm, update ratio per step"},
      {"output.dir", Kind::string, "\"runs/train\"", "run directory"},
      {"output.checkpoint_every", Kind::integer, "1", "save a checkpoint every N epochs", 1},
      {"output.progress", Kind::string, "\"auto\"", "auto | bar | lines | none"},
  };
  return schema;
}

RunConfig::RunConfig() {
  for (const auto& s : kSections) values_[s] = nlohmann::ordered_json::object();
  for (const auto& k : config_schema()) {
    const auto [section, name] = split_key(k.key);
    values_[section][name] = nlohmann::ordered_json::parse(parse_value(k.fallback)->dump());
  }
  values_["optimizer"] = {{"name", "adam"}, {"lr", 0.001}};
}

void RunConfig::assign(const std::string& key, nlohmann::json value, const std::string& origin) {
  const auto [section, name] = split_key(key);
  const std::string where = origin.empty() ? key : origin + ": " + key;
  if (std::find(kSections.begin(), kSections.end(), section) == kSections.end())
    throw ConfigError("unknown section '" + section + "'", where, hint_for(section, kSections));
  if (name.empty()) throw ConfigError("a key needs a section, e.g. train.epochs", where);
  if (free_section(section)) {
    values_[section][name] = nlohmann::ordered_json::parse(value.dump());
    return;
  }
  const ConfigKey* k = find_key(key);
  if (!k) throw ConfigError("unknown key '" + key + "'", where, hint_for(key, schema_keys()));
  const bool ok = (k->kind == Kind::string && value.is_string()) ||
                  (k->kind == Kind::boolean && value.is_boolean()) ||
                  (k->kind == Kind::integer && value.is_number_integer()) ||
                  (k->kind == Kind::number && value.is_number());
  if (!ok)
    throw ConfigError("expects " + kind_name(k->kind) + ", got " + value.dump(), where, k->help);
  if (value.is_number()) {
    const double v = value.get<double>();
    if (!(v >= k->min))
      throw ConfigError(fmt::format("must be >= {}, got {}", k->min, value.dump()), where, k->help);
    if (k->kind == Kind::number) value = v;
  }
  values_[section][name] = nlohmann::ordered_json::parse(value.dump());
}

void RunConfig::merge_text(std::string_view text, const std::string& origin) {
  toml::table doc;
  try {
    doc = toml::parse(text, std::string_view(origin));
  } catch (const toml::parse_error& e) {
    throw ConfigError(
        std::string(e.description()),
        fmt::format("{}:{}:{}", origin, e.source().begin.line, e.source().begin.column),
        "the file must be TOML (sections [data], [model], [optimizer], ...)");
  }
  for (const auto& [section_key, node] : doc) {
    const std::string section(section_key.str());
    const std::string line = fmt::format("{}:{}", origin, node.source().begin.line);
    const auto* table = node.as_table();
    if (!table) {
      if (std::find(kSections.begin(), kSections.end(), section) != kSections.end())
        throw ConfigError("must be a table: [" + section + "]", line + ": " + section);
      throw ConfigError("unknown key '" + section + "' outside any section", line + ": " + section,
                        hint_for(section, schema_keys()));
    }
    if (free_section(section)) values_[section] = nlohmann::ordered_json::object();
    for (const auto& [key, value] : *table)
      assign(section + "." + std::string(key.str()), to_json(value),
             fmt::format("{}:{}", origin, value.source().begin.line));
  }
}

void RunConfig::merge_file(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    throw ConfigError("no such config file", path.string(), "give a TOML file, or flags only");
  merge_text(read_file(path), path.string());
}

void RunConfig::set(const std::string& key, std::string_view text, const std::string& origin) {
  const ConfigKey* k = find_key(key);
  if (k && k->kind == Kind::string) {
    std::string s(text);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    assign(key, s, origin);
    return;
  }
  auto value = parse_value(text);
  if (!value) {
    if (free_section(split_key(key).first))
      value = std::string(text);
    else if (k)
      throw ConfigError("expects " + kind_name(k->kind) + ", got '" + std::string(text) + "'",
                        origin + ": " + key, k->help);
    else
      value = std::string(text);  // assign() reports the unknown key
  }
  assign(key, *value, origin);
}

void RunConfig::set(std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos)
    throw ConfigError("expected key=value, got '" + std::string(assignment) + "'", "--set",
                      "e.g. --set train.epochs=20");
  std::string key(assignment.substr(0, eq));
  key.erase(key.find_last_not_of(" ") + 1);
  key.erase(0, key.find_first_not_of(" "));
  set(key, assignment.substr(eq + 1), "--set");
}

void RunConfig::set_table(const std::string& section, const nlohmann::json& table) {
  if (!free_section(section)) throw UsageError("not a free table: " + section, "config");
  if (!table.is_object()) throw ConfigError("must be a JSON object", section);
  values_[section] = nlohmann::ordered_json::parse(table.dump());
}

const nlohmann::ordered_json& RunConfig::value(const std::string& key) const {
  const auto [section, name] = split_key(key);
  if (!values_.contains(section) || !values_[section].contains(name))
    throw UsageError("no config key '" + key + "'", "config");
  return values_[section][name];
}

std::string RunConfig::str(const std::string& key) const {
  return value(key).get<std::string>();
}
double RunConfig::number(const std::string& key) const {
  return value(key).get<double>();
}
std::int64_t RunConfig::integer(const std::string& key) const {
  return value(key).get<std::int64_t>();
}
bool RunConfig::boolean(const std::string& key) const {
  return value(key).get<bool>();
}

nlohmann::json RunConfig::table(const std::string& section) const {
  return nlohmann::json::parse(values_.at(section).dump());
}

std::string RunConfig::to_toml() const {
  std::string out = "# descent train: resolved configuration (every key, defaults included)\n";
  for (const auto& section : kSections) {
    out += "\n[" + section + "]\n";
    const auto& table = values_.at(section);
    std::vector<std::string> keys;
    for (const auto& [k, v] : table.items()) keys.push_back(k);
    // Free tables: "name" first, then the keys sorted (as TOML readers return them).
    if (free_section(section))
      std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
        return (a == "name") != (b == "name") ? a == "name" : a < b;
      });
    for (const auto& k : keys) out += toml_key(k) + " = " + toml_value(table.at(k)) + "\n";
  }
  return out;
}

}  // namespace descent::train
