#include "descent/core/toml.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "descent/core/error.hpp"

namespace descent::toml_json {

namespace {
std::string quoted(const std::string& s) {
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
}  // namespace

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
  // Each by its own type: node.value<int64_t>() of a float casts it to an integer first, which is
  // undefined for a float beyond int64's range (found by fuzz/run_config_fuzz.cpp).
  if (auto* v = node.as_integer()) return v->get();
  if (auto* v = node.as_floating_point()) return v->get();
  if (auto* v = node.as_boolean()) return v->get();
  if (auto* v = node.as_string()) return v->get();
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

std::string key(const std::string& k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? k : quoted(k);
}

/// A JSON value as TOML (inline tables for nested objects); floats shortest round-trip.
std::string value(const nlohmann::json& v) {
  if (v.is_string()) return quoted(v.get<std::string>());
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
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + value(v[i]);
    return s + "]";
  }
  if (v.is_object()) {
    std::string s = "{";
    bool first = true;
    for (const auto& [k, x] : v.items()) {
      s += (first ? " " : ", ") + key(k) + " = " + value(x);
      first = false;
    }
    return s + (first ? "}" : " }");
  }
  return "\"\"";
}

}  // namespace descent::toml_json
