#pragma once
// Options of an optimizer, reflected by name. Every options struct lists its fields once, in
// torch's order, with a visit() member:
//   template <class V> void visit(V&& v) { v("lr", lr, "learning rate"); v("betas", betas, "...");
//   }
// From that one list come JSON parsing (strict: unknown key, wrong type -> ConfigError), JSON
// output, access by name for schedulers, and the option table of `descent optimizers`.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace descent::optim {

/// (beta1, beta2), torch's `betas`.
using Betas = std::array<double, 2>;

/// Options as JSON, keyed by torch's names.
template <class Options>
nlohmann::json options_to_json(const Options& options) {
  nlohmann::json j = nlohmann::json::object();
  const_cast<Options&>(options).visit(
      [&](const char* key, auto& field, const char*) { j[key] = field; });
  return j;
}

/// Names of the options, in declaration order.
template <class Options>
std::vector<std::string> option_names() {
  std::vector<std::string> names;
  Options{}.visit([&](const char* key, auto&, const char*) { names.emplace_back(key); });
  return names;
}

/// One row per option: {"name", "default", "doc"}.
template <class Options>
nlohmann::json option_table() {
  nlohmann::json rows = nlohmann::json::array();
  Options{}.visit([&](const char* key, auto& field, const char* doc) {
    rows.push_back({{"name", key}, {"default", field}, {"doc", doc}});
  });
  return rows;
}

namespace detail {
/// Assigns one JSON value to a field, or throws ConfigError naming `where` (e.g. "adam.lr").
void assign(double& field, const nlohmann::json& value, const std::string& where);
void assign(bool& field, const nlohmann::json& value, const std::string& where);
void assign(int& field, const nlohmann::json& value, const std::string& where);
void assign(Betas& field, const nlohmann::json& value, const std::string& where);
void assign(std::string& field, const nlohmann::json& value, const std::string& where);
[[noreturn]] void unknown_option(const std::string& optimizer, const std::string& key,
                                 const std::vector<std::string>& valid);
}  // namespace detail

/// Sets the options named in `j` (an object), leaving the others as they are. Strict: an unknown
/// key or a value of the wrong type is a ConfigError naming "<optimizer>.<key>" and the valid keys.
/// Keys in `ignore` (e.g. "name", "groups") are skipped.
template <class Options>
void options_from_json(Options& options, const nlohmann::json& j, const std::string& optimizer,
                       const std::vector<std::string>& ignore = {}) {
  for (const auto& [key, value] : j.items()) {
    if (std::find(ignore.begin(), ignore.end(), key) != ignore.end()) continue;
    bool found = false;
    options.visit([&](const char* name, auto& field, const char*) {
      if (key == name) detail::assign(field, value, optimizer + "." + key), found = true;
    });
    if (!found) detail::unknown_option(optimizer, key, option_names<Options>());
  }
}

/// Range checks shared by the optimizers (torch's messages, as ConfigError naming the key).
void check_nonnegative(const std::string& optimizer, const char* key, double value);
void check_beta(const std::string& optimizer, const char* key, double value);
void check_betas(const std::string& optimizer, const Betas& betas);

}  // namespace descent::optim
