#include "descent/core/options.hpp"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/spec.hpp"

namespace descent::options {

std::string Rule::text() const {
  if (!choices.empty()) {
    std::vector<std::string> quoted;
    for (const auto& c : choices) quoted.push_back(nlohmann::json(c).dump());
    return fmt::format("must be one of: {}", fmt::join(quoted, ", "));
  }
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  if (has_lo && has_hi)
    return fmt::format("must be in {}{}, {}{}", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]");
  if (has_lo) return fmt::format("must be {} {}", lo_open ? ">" : ">=", lo);
  if (has_hi) return fmt::format("must be {} {}", hi_open ? "<" : "<=", hi);
  return "";
}

bool Rule::admits(double x) const {
  return (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
}

bool Rule::admits(const std::string& s) const {
  return choices.empty() || std::find(choices.begin(), choices.end(), s) != choices.end();
}

Rule at_least(double lo) {
  Rule r;
  r.lo = lo;
  return r;
}
Rule above(double lo) {
  Rule r = at_least(lo);
  r.lo_open = true;
  return r;
}
Rule closed(double lo, double hi) {
  Rule r = at_least(lo);
  r.hi = hi;
  return r;
}
Rule half_open(double lo, double hi) {
  Rule r = closed(lo, hi);
  r.hi_open = true;
  return r;
}
Rule left_open(double lo, double hi) {
  Rule r = closed(lo, hi);
  r.lo_open = true;
  return r;
}
Rule one_of(std::vector<std::string> choices) {
  Rule r;
  r.choices = std::move(choices);
  return r;
}
const Rule required = [] {
  Rule r;
  r.required = true;
  return r;
}();

void unknown_key(const std::string& what, const std::string& key,
                 const std::vector<std::string>& valid, const std::string& where) {
  if (valid.empty())
    throw ConfigError(fmt::format("{} takes no options, got '{}'", what, key),
                      detail::join_key(where, key));
  throw_unknown(fmt::format("unknown option '{}' for {}", key, what), key, valid,
                detail::join_key(where, key), "valid options");
}

namespace detail {

namespace {
[[noreturn]] void wrong_type(const std::string& where, const char* expected,
                             const nlohmann::json& value) {
  throw ConfigError(fmt::format("expected {}, got {}", expected, value.dump()), where);
}

double finite_number(const nlohmann::json& value, const std::string& where, const char* expected) {
  if (!value.is_number()) wrong_type(where, expected, value);
  const double x = value.get<double>();
  if (!std::isfinite(x))  // value.dump() would print null
    throw ConfigError(fmt::format("expected a finite number, got {}", x), where);
  return x;
}

template <class N>
N integer(const nlohmann::json& value, const std::string& where) {
  if (!value.is_number_integer()) wrong_type(where, "an integer", value);
  if (value.is_number_unsigned()
          ? value.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<N>::max())
          : (value.get<std::int64_t>() < std::numeric_limits<N>::min() ||
             value.get<std::int64_t>() > std::numeric_limits<N>::max()))
    throw ConfigError(fmt::format("{} is out of range for an integer", value.dump()), where);
  return N(value.get<std::int64_t>());
}
}  // namespace

void read(bool& field, const nlohmann::json& value, const std::string& where) {
  if (!value.is_boolean()) wrong_type(where, "true or false", value);
  field = value.get<bool>();
}

void read(int& field, const nlohmann::json& value, const std::string& where) {
  field = integer<int>(value, where);
}

void read(std::int64_t& field, const nlohmann::json& value, const std::string& where) {
  field = integer<std::int64_t>(value, where);
}

void read(double& field, const nlohmann::json& value, const std::string& where) {
  field = finite_number(value, where, "a number");
}

void read(std::string& field, const nlohmann::json& value, const std::string& where) {
  if (value.is_null()) return field.clear();
  if (!value.is_string()) wrong_type(where, "a string", value);
  field = value.get<std::string>();
}

void read(Pair& field, const nlohmann::json& value, const std::string& where) {
  constexpr const char* expected = "a pair of numbers [a, b]";
  if (!value.is_array() || value.size() != 2) wrong_type(where, expected, value);
  field = {finite_number(value[0], where, expected), finite_number(value[1], where, expected)};
}

void read(std::vector<double>& field, const nlohmann::json& value, const std::string& where) {
  constexpr const char* expected = "a number or a non-empty list of numbers";
  if (value.is_number()) {
    field = {finite_number(value, where, expected)};
    return;
  }
  if (!value.is_array() || value.empty()) wrong_type(where, expected, value);
  field.clear();
  for (const auto& x : value) field.push_back(finite_number(x, where, expected));
}

void read(std::vector<std::int64_t>& field, const nlohmann::json& value, const std::string& where) {
  if (!value.is_array()) wrong_type(where, "a list of integers", value);
  field.clear();
  for (const auto& x : value) field.push_back(integer<std::int64_t>(x, where));
}

void read(nlohmann::json& field, const nlohmann::json& value, const std::string&) {
  field = value;
}

void check(const Rule& rule, double value, const std::string& key, const std::string& where) {
  if (!rule.admits(value))
    throw ConfigError(fmt::format("invalid {} value: {} ({})", key, value, rule.text()),
                      join_key(where, key.substr(0, key.find('['))));
}

void check(const Rule& rule, const std::string& value, const std::string& key,
           const std::string& where) {
  if (!rule.admits(value))
    throw ConfigError(fmt::format("invalid {} value: \"{}\" ({})", key, value, rule.text()),
                      join_key(where, key));
}

std::string join_key(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

std::string rules_text(std::initializer_list<const Rule*> rules) {
  std::vector<std::string> parts;
  for (const Rule* r : rules) parts.push_back(r->required ? "required" : r->text());
  std::erase(parts, "");
  return fmt::format("{}", fmt::join(parts, "; "));
}

void missing(const std::string& what, const std::string& key, const std::string& where) {
  nlohmann::json example = {{"name", what.substr(what.rfind(' ') + 1)}, {key, "..."}};
  throw ConfigError(fmt::format("{} needs '{}'", what, key), join_key(where, key),
                    "e.g. " + example.dump());
}

}  // namespace detail

}  // namespace descent::options
