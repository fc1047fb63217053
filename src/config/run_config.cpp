#include "descent/config/run_config.hpp"

#include <algorithm>
#include <map>

#include <fmt/core.h>
#include <toml++/toml.h>

#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/core/toml.hpp"

namespace descent {

namespace {
const std::vector<std::string> kSections = {"data",  "model",          "optimizer", "schedule",
                                            "train", "regularization", "output"};

bool spec_section(const std::string& s) {
  return s == "optimizer" || s == "schedule" || s == "regularization";
}

/// Calls fn(name, section) for the typed sections, in file order.
template <class Config, class Fn>
void for_each_section(Config& c, Fn&& fn) {
  fn("data", c.data);
  fn("model", c.model);
  fn("train", c.train);
  fn("output", c.output);
}

std::vector<std::string> typed_keys() {
  std::vector<std::string> keys;
  RunConfig c;
  for_each_section(c, [&](const std::string& section, auto& o) {
    for (const auto& k : options::names<std::decay_t<decltype(o)>>())
      keys.push_back(section + "." + k);
  });
  return keys;
}

std::string hint_for(const std::string& key, const std::vector<std::string>& candidates) {
  const std::string guess = closest_match(key, candidates);
  return guess.empty() ? "see `descent train --help` for the keys"
                       : "did you mean '" + guess + "'?";
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto dot = key.find('.');
  if (dot == std::string::npos) return {key, ""};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

nlohmann::json& spec_table(RunConfig& c, const std::string& section) {
  return section == "optimizer"  ? c.optimizer
         : section == "schedule" ? c.schedule
                                 : c.regularization;
}
}  // namespace

std::optional<RunConfig::KeyInfo> RunConfig::key_info(const std::string& key) {
  // Named references, not a structured binding: lambdas below use them (clang 14 cannot capture
  // structured bindings).
  const auto parts = split_key(key);
  const std::string &section = parts.first, &name = parts.second;
  std::optional<KeyInfo> info;
  RunConfig c;
  for_each_section(c, [&](const std::string& s, auto& o) {
    if (s != section) return;
    o.visit([&](const char* k, auto& field, const char* doc, const auto&...) {
      if (name == k)
        info = KeyInfo{doc, toml_json::value(options::detail::write(field)),
                       std::is_same_v<std::decay_t<decltype(field)>, bool>};
    });
  });
  return info;
}

void RunConfig::assign(const std::string& key, const nlohmann::json& value,
                       const std::string& origin) {
  const auto parts = split_key(key);  // not a structured binding, as in key_info
  const std::string &section = parts.first, &name = parts.second;
  const std::string where = origin.empty() ? key : origin + ": " + key;
  if (std::find(kSections.begin(), kSections.end(), section) == kSections.end())
    throw ConfigError("unknown section '" + section + "'", where, hint_for(section, kSections));
  if (name.empty()) throw ConfigError("a key needs a section, e.g. train.epochs", where);
  if (spec_section(section)) {
    spec_table(*this, section)[name] = value;
    return;
  }
  bool found = false;
  for_each_section(*this, [&](const std::string& s, auto& o) {
    if (s != section) return;
    auto updated = o;
    const std::string prefix = origin.empty() ? section : origin + ": " + section;
    try {
      found = options::set(updated, name, value, prefix);
      if (found) options::validate(updated, prefix);
    } catch (const ConfigError& e) {
      const auto doc = key_info(key);
      throw ConfigError(e.reason(), e.where(), e.hint().empty() && doc ? doc->doc : e.hint());
    }
    o = updated;
  });
  if (!found) throw ConfigError("unknown key '" + key + "'", where, hint_for(key, typed_keys()));
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
                        hint_for(section, typed_keys()));
    }
    if (spec_section(section)) spec_table(*this, section) = nlohmann::json::object();
    for (const auto& [key, value] : *table)
      assign(section + "." + std::string(key.str()), toml_json::to_json(value),
             fmt::format("{}:{}", origin, value.source().begin.line));
  }
}

void RunConfig::merge_file(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    throw ConfigError("no such config file", path.string(), "give a TOML file, or flags only");
  merge_text(read_file(path), path.string());
}

void RunConfig::set(const std::string& key, std::string_view text, const std::string& origin) {
  bool string_key = false;
  for_each_section(*this, [&](const std::string& s, auto& o) {
    o.visit([&](const char* k, auto& field, const char*, const auto&...) {
      if (s + "." + k == key)
        string_key = std::is_same_v<std::decay_t<decltype(field)>, std::string>;
    });
  });
  if (string_key) {
    std::string s(text);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return assign(key, s, origin);
  }
  // Not TOML: plain text (a bare name in a spec table; elsewhere the type check reports it).
  assign(key, toml_json::parse_value(text).value_or(nlohmann::json(std::string(text))), origin);
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
  if (!spec_section(section)) throw UsageError("not a spec table: " + section, "config");
  if (!table.is_object()) throw ConfigError("must be a JSON object", section);
  spec_table(*this, section) = table;
}

nlohmann::json RunConfig::to_json() const {
  nlohmann::json j = {
      {"optimizer", optimizer}, {"schedule", schedule}, {"regularization", regularization}};
  for_each_section(*this, [&](const std::string& s, const auto& o) { j[s] = options::to_json(o); });
  return j;
}

std::string RunConfig::to_toml() const {
  std::string out = "# descent train: resolved configuration (every key, defaults included)\n";
  const nlohmann::json all = to_json();
  // Typed sections in declaration order; spec tables "name" first, then the keys sorted (as TOML
  // readers return them).
  std::map<std::string, std::vector<std::string>> order;
  for_each_section(*this, [&](const std::string& s, const auto& o) {
    order[s] = options::names<std::decay_t<decltype(o)>>();
  });
  for (const auto& section : kSections) {
    out += "\n[" + section + "]\n";
    const nlohmann::json& table = all[section];
    std::vector<std::string> keys = order[section];
    if (spec_section(section)) {
      if (table.contains("name")) keys.push_back("name");
      for (const auto& [k, v] : table.items())
        if (k != "name") keys.push_back(k);
    }
    for (const auto& k : keys) out += toml_json::key(k) + " = " + toml_json::value(table[k]) + "\n";
  }
  return out;
}

}  // namespace descent
