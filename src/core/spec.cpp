#include "descent/core/spec.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace descent {

nlohmann::json parse_spec(std::string_view text, const std::string& what,
                          const std::string& example) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    try {
      return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
      throw ConfigError(fmt::format("malformed JSON: {}", e.what()), what,
                        "write it as " + example);
    }
  }
  return nlohmann::json{{"name", std::string(text)}};
}

std::string spec_name(const nlohmann::json& spec, const std::string& what, const std::string& where,
                      const std::string& example) {
  if (!spec.is_object() || !spec.contains("name") || !spec["name"].is_string())
    throw ConfigError(
        fmt::format("a{} {} spec needs a \"name\"",
                    std::string("aeiou").find(what[0]) == std::string::npos ? "" : "n", what),
        where, "write it as " + example);
  return spec["name"].get<std::string>();
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& known,
                         const std::string& label) {
  const std::string near = closest_match(name, known);
  return (near.empty() ? "" : fmt::format("did you mean '{}'? ", near)) +
         fmt::format("{}: {}", label, fmt::join(known, ", "));
}

void throw_unknown(const std::string& message, const std::string& name,
                   const std::vector<std::string>& known, const std::string& where,
                   const std::string& label) {
  throw ConfigError(message, where, did_you_mean(name, known, label));
}

}  // namespace descent
