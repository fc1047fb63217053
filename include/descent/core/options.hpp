#pragma once
// Options declared once, reflected by name. Every keyed component (optimizer, scheduler, loss,
// regularizer, run-config section) declares its options struct's fields once, in a visit() member:
//
//   template <class V> void visit(V&& v) {
//     v("lr", lr, "learning rate", options::at_least(0));
//     v("mode", mode, "min | max", options::one_of({"min", "max"}));
//     v("T_max", T_max, "period of the cosine", options::required, options::at_least(1));
//   }
//
// From that one list come: parsing from JSON (TOML is read as JSON, core/toml.hpp) with an
// unknown-key error and a "did you mean"; validation of the declared rules with the house error
// style (what, where, hint); JSON output (state dicts, resolved config, `--json` listings) and
// the option tables of the listings and docs. A struct with cross-field rules adds
// `void check(const std::string& where) const`, which validate() calls after the field rules.
// Field types: bool, int, std::int64_t, double, std::string, Pair, std::vector<double> (a number or
// a list), std::vector<std::int64_t>, std::optional<any of these>, nlohmann::json (a sub-spec).
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/error.hpp"

namespace descent::options {

/// Two numbers, e.g. torch's betas (beta1, beta2).
using Pair = std::array<double, 2>;

/// A rule a field's value must satisfy. Numbers (each element of a Pair or list) must lie in the
/// interval; strings must be one of `choices`; `required` fields must be present in a spec.
struct Rule {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;
  std::vector<std::string> choices;
  bool required = false;

  /// "must be >= 0", "must be in [0, 1)", "must be one of: min, max"; "" for `required`.
  std::string text() const;
  bool admits(double x) const;
  bool admits(const std::string& s) const;
};

/// value >= lo
Rule at_least(double lo);
/// value > lo
Rule above(double lo);
/// lo <= value <= hi
Rule closed(double lo, double hi);
/// lo <= value < hi
Rule half_open(double lo, double hi);
/// lo < value <= hi
Rule left_open(double lo, double hi);
/// value is one of the choices
Rule one_of(std::vector<std::string> choices);
/// the key must be given in a spec (a default still serves the typed API)
extern const Rule required;

/// How a spec's keys are read: keys to skip ("name", "groups"), and, when not empty, the only keys
/// this reader accepts (a loss reads the subset of LossOptions its registry entry lists).
struct Keys {
  std::vector<std::string> ignore{"name"};
  std::optional<std::vector<std::string>> only{};

  static Keys ignoring(std::vector<std::string> keys) {
    Keys k;
    k.ignore = std::move(keys);
    return k;
  }
  static Keys only_these(std::vector<std::string> keys) {
    Keys k;
    k.only = std::move(keys);
    return k;
  }
};

namespace detail {
// JSON -> field, strict: a ConfigError naming `where` on a value of the wrong type.
void read(bool& field, const nlohmann::json& value, const std::string& where);
void read(int& field, const nlohmann::json& value, const std::string& where);
void read(std::int64_t& field, const nlohmann::json& value, const std::string& where);
void read(double& field, const nlohmann::json& value, const std::string& where);
void read(std::string& field, const nlohmann::json& value, const std::string& where);
void read(Pair& field, const nlohmann::json& value, const std::string& where);
void read(std::vector<double>& field, const nlohmann::json& value, const std::string& where);
void read(std::vector<std::int64_t>& field, const nlohmann::json& value, const std::string& where);
void read(nlohmann::json& field, const nlohmann::json& value, const std::string& where);
template <class F>
void read(std::optional<F>& field, const nlohmann::json& value, const std::string& where) {
  if (value.is_null()) return field.reset();
  F f{};
  read(f, value, where);
  field = std::move(f);
}

template <class F>
nlohmann::json write(const F& field) {
  return nlohmann::json(field);
}
template <class F>
nlohmann::json write(const std::optional<F>& field) {
  return field ? write(*field) : nlohmann::json(nullptr);
}

// Rule checks of one field value; ConfigError "invalid <key> value: <v> (must be ...)".
void check(const Rule& rule, double value, const std::string& key, const std::string& where);
void check(const Rule& rule, const std::string& value, const std::string& key,
           const std::string& where);
inline void check(const Rule& rule, bool, const std::string&, const std::string&) {
  (void)rule;
}
inline void check(const Rule& rule, const nlohmann::json&, const std::string&, const std::string&) {
  (void)rule;
}
template <class N>
requires std::is_integral_v<N>
void check(const Rule& rule, N value, const std::string& key, const std::string& where) {
  check(rule, double(value), key, where);
}
template <class List>
requires requires(List l) {
  l.begin();
  l[0] + 1.0;
}
void check(const Rule& rule, const List& values, const std::string& key, const std::string& where) {
  for (std::size_t i = 0; i < values.size(); ++i)
    check(rule, double(values[i]), key + "[" + std::to_string(i) + "]", where);
}
template <class F>
void check(const Rule& rule, const std::optional<F>& value, const std::string& key,
           const std::string& where) {
  if (value) check(rule, *value, key, where);
}

std::string join_key(const std::string& where, const std::string& key);
std::string rules_text(std::initializer_list<const Rule*> rules);
[[noreturn]] void missing(const std::string& what, const std::string& key,
                          const std::string& where);
}  // namespace detail

/// The options as JSON, keyed by their names (names<O>() gives the declaration order).
template <class O>
nlohmann::json to_json(const O& o) {
  nlohmann::json j = nlohmann::json::object();
  const_cast<O&>(o).visit([&](const char* key, auto& field, const char*, const auto&...) {
    j[key] = detail::write(field);
  });
  return j;
}

/// Names of the options, in declaration order.
template <class O>
std::vector<std::string> names() {
  std::vector<std::string> out;
  O{}.visit([&](const char* key, auto&, const char*, const auto&...) { out.emplace_back(key); });
  return out;
}

/// One row per option: {"name", "default", "doc", "rule"} (rule: "must be >= 0", "required", "").
template <class O>
nlohmann::json table() {
  nlohmann::json rows = nlohmann::json::array();
  O{}.visit([&](const char* key, auto& field, const char* doc, const auto&... rules) {
    rows.push_back({{"name", key},
                    {"default", detail::write(field)},
                    {"doc", doc},
                    {"rule", detail::rules_text({&rules...})}});
  });
  return rows;
}

/// Checks every declared rule (and the struct's own check(), if any); ConfigError naming
/// "<where>.<key>".
template <class O>
void validate(const O& o, const std::string& where) {
  const_cast<O&>(o).visit(
      [&]([[maybe_unused]] const char* key, [[maybe_unused]] auto& field, const char*,
          const auto&... rules) { (detail::check(rules, field, key, where), ...); });
  if constexpr (requires { o.check(where); }) o.check(where);
}

/// Sets the option `key` from a JSON value; false if there is no such option. Not validated.
template <class O>
bool set(O& o, const std::string& key, const nlohmann::json& value, const std::string& where) {
  bool found = false;
  o.visit([&](const char* name, auto& field, const char*, const auto&...) {
    if (key == name) detail::read(field, value, detail::join_key(where, key)), found = true;
  });
  return found;
}

/// Unknown key `key` of `what` (e.g. "adam", "loss huber"): ConfigError naming "<where>.<key>",
/// with "did you mean" and the valid keys.
[[noreturn]] void unknown_key(const std::string& what, const std::string& key,
                              const std::vector<std::string>& valid, const std::string& where);

/// Sets the options named in `j` (an object) over the current values, checks that every
/// `required` option is present, then validates. `what` names the owner in messages ("adam",
/// "loss huber"), `where` prefixes the key in the error location ("adam", "loss").
template <class O>
void from_json(O& o, const nlohmann::json& j, const std::string& what, const std::string& where,
               const Keys& keys = {}) {
  if (!j.is_object()) throw ConfigError("expected an object of options, got " + j.dump(), where);
  const std::vector<std::string> valid = keys.only ? *keys.only : names<O>();
  for (const auto& [key, value] : j.items()) {
    if (std::find(keys.ignore.begin(), keys.ignore.end(), key) != keys.ignore.end()) continue;
    if (std::find(valid.begin(), valid.end(), key) == valid.end() || !set(o, key, value, where))
      unknown_key(what, key, valid, where);
  }
  o.visit([&]([[maybe_unused]] const char* key, auto&, const char*, const auto&... rules) {
    if ((rules.required || ...) && !(j.contains(key) && !j[key].is_null()))
      detail::missing(what, key, where);
  });
  validate(o, where);
}
template <class O>
void from_json(O& o, const nlohmann::json& j, const std::string& where, const Keys& keys = {}) {
  from_json(o, j, where, where, keys);
}

}  // namespace descent::options
