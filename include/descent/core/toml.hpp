#pragma once
// TOML <-> JSON for configuration: a TOML document is read as JSON values (so one options
// mechanism, core/options.hpp, parses both), and JSON values are written back as TOML with
// shortest round-trip numbers.
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

namespace descent::toml_json {

/// A TOML node as JSON; ConfigError for dates and times, which are not configuration values.
nlohmann::json to_json(const toml::node& node);
/// One TOML value from text ("3", "0.1", "[0.9, 0.99]", "\"x\""); nullopt when it is not TOML.
std::optional<nlohmann::json> parse_value(std::string_view text);
/// A JSON value as a TOML value (inline tables for objects).
std::string value(const nlohmann::json& v);
/// A key, bare when it can be, quoted otherwise.
std::string key(const std::string& k);

}  // namespace descent::toml_json
