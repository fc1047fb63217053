#include "function_args.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::cli {

namespace {
std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

std::optional<double> to_double(std::string_view s) {
  s = trim(s);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<double> parse_point(const std::string& text) {
  std::vector<double> x;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const auto v = to_double(item);
    if (!v || !std::isfinite(*v))
      throw ConfigError(fmt::format("'{}' is not a finite number", trim(item)), "--x0",
                        "write the start point as comma-separated numbers, e.g. --x0 -1.5,2");
    x.push_back(*v);
    if (comma == std::string_view::npos) return x;
    rest.remove_prefix(comma + 1);
  }
}

objective::FunctionParameters parse_parameters(const std::vector<std::string>& items) {
  objective::FunctionParameters out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    const auto v = eq == std::string::npos ? std::nullopt : to_double(item.substr(eq + 1));
    if (!v)
      throw ConfigError(
          fmt::format("'{}' is not NAME=NUMBER", item), "--param",
          "e.g. --param k=100 (see `descent functions` for each function's parameters)");
    out[std::string(trim(std::string_view(item).substr(0, eq)))] = *v;
  }
  return out;
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c)
      line += fmt::format("{:<{}}", row[c], c + 1 < row.size() ? width[c] + 2 : 0);
    fmt::print("{}\n", line);
  }
}

}  // namespace descent::cli
