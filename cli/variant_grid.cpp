#include "variant_grid.hpp"

#include <limits>

#include <fmt/core.h>

#include "descent/core/error.hpp"

namespace descent::cli {

namespace {
/// Splits at commas outside brackets, braces and double quotes.
std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\' && i + 1 < text.size()) item += text[i++];
      if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      items.push_back(item);
      item.clear();
      continue;
    }
    item += c;
  }
  items.push_back(item);
  return items;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}
}  // namespace

Variation parse_variation(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || trim(text.substr(0, eq)).empty())
    throw ConfigError("expected KEY=V1,V2,..., got '" + text + "'", "--vary",
                      "e.g. --vary optimizer.lr=0.001,0.01,0.1");
  Variation v{trim(text.substr(0, eq)), {}};
  const std::string list = trim(text.substr(eq + 1));
  if (list.empty())
    throw ConfigError("no values for '" + v.key + "'", "--vary",
                      "list the values after '=', separated by commas: --vary " + v.key + "=A,B");
  for (const auto& item : split_top_level(list)) {
    if (trim(item).empty())
      throw ConfigError("an empty value in '" + text + "'", "--vary",
                        "separate the values by single commas, with none at either end");
    v.values.push_back(trim(item));
  }
  return v;
}

std::size_t grid_size(const std::vector<Variation>& variations) {
  std::size_t n = 1;
  for (const auto& v : variations) {
    if (v.values.size() && n > std::numeric_limits<std::size_t>::max() / v.values.size())
      return std::numeric_limits<std::size_t>::max();
    n *= v.values.size();
  }
  return n;
}

std::vector<Assignment> grid(const std::vector<Variation>& variations) {
  std::vector<Assignment> out{{}};
  for (const auto& v : variations) {
    std::vector<Assignment> next;
    for (const auto& partial : out)
      for (const auto& value : v.values) {
        next.push_back(partial);
        next.back().emplace_back(v.key, value);
      }
    out = std::move(next);
  }
  return out;
}

std::string label_of(const Assignment& assignment) {
  std::string s;
  for (const auto& [key, value] : assignment) s += (s.empty() ? "" : ", ") + key + "=" + value;
  return s;
}

}  // namespace descent::cli
