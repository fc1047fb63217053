#include "descent/report/run_data.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>

#include <fmt/core.h>
#include <toml++/toml.h>

#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"

namespace descent::report {

const std::vector<double>* Table::column(const std::string& name) const {
  for (std::size_t j = 0; j < names.size(); ++j)
    if (names[j] == name) return &columns[j];
  return nullptr;
}

namespace {

std::vector<std::string_view> split_cells(std::string_view line) {
  std::vector<std::string_view> cells;
  while (true) {
    const auto comma = line.find(',');
    cells.push_back(line.substr(0, comma));
    if (comma == std::string_view::npos) return cells;
    line.remove_prefix(comma + 1);
  }
}

bool parse_cell(std::string_view s, double& v) {
  if (s.empty()) return v = std::numeric_limits<double>::quiet_NaN(), true;
  if (s == "nan" || s == "-nan") return v = std::numeric_limits<double>::quiet_NaN(), true;
  if (s == "inf") return v = std::numeric_limits<double>::infinity(), true;
  if (s == "-inf") return v = -std::numeric_limits<double>::infinity(), true;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Table parse_table(std::string_view text, const std::string& where) {
  Table t;
  const auto header_end = text.find('\n');
  if (text.empty() || header_end == std::string_view::npos)
    throw DataError("no header line", where + ":1",
                    "the file is empty or torn; rerun or resume the training run");
  std::string_view header = text.substr(0, header_end);
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  for (auto name : split_cells(header)) t.names.emplace_back(name);
  t.columns.resize(t.names.size());
  std::size_t pos = header_end + 1, line = 1;
  while (pos < text.size()) {
    ++line;
    const auto end = text.find('\n', pos);
    if (end == std::string_view::npos)
      throw DataError("torn last line (no line end)", fmt::format("{}:{}", where, line),
                      "the file was cut while being written; rerun or resume the training run");
    std::string_view row = text.substr(pos, end - pos);
    pos = end + 1;
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    const auto cells = split_cells(row);
    if (cells.size() != t.names.size())
      throw DataError(fmt::format("{} cells where the header has {}", cells.size(), t.names.size()),
                      fmt::format("{}:{}", where, line),
                      "the line is torn or the file was edited; rerun or resume the training run");
    for (std::size_t j = 0; j < cells.size(); ++j) {
      double v = 0;
      if (!parse_cell(cells[j], v))
        throw DataError(fmt::format("'{}' in column '{}' is not a number", cells[j], t.names[j]),
                        fmt::format("{}:{}", where, line), "metrics files hold numbers only");
      t.columns[j].push_back(v);
    }
  }
  return t;
}

namespace {

void flatten(const toml::table& table, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  for (const auto& [key, node] : table) {
    const std::string name =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      flatten(*sub, name, out);
    } else if (const auto* s = node.as_string()) {
      out[name] = s->get();
    } else if (const auto* f = node.as_floating_point()) {
      out[name] = fmt::format("{}", f->get());  // 0.05, not toml++'s 0.050000000000000003
    } else {
      std::ostringstream text;
      node.visit([&](const auto& value) { text << value; });
      out[name] = text.str();
    }
  }
}

}  // namespace

RunData load_run(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  RunData run;
  run.dir = dir;
  run.name = fs::absolute(dir).lexically_normal().filename().string();
  if (run.name.empty()) run.name = fs::absolute(dir).lexically_normal().parent_path().filename();
  if (!fs::is_directory(dir))
    throw DataError("not a directory", dir.string(),
                    "pass a run directory written by descent train");
  const fs::path metrics = dir / "metrics.csv";
  if (!fs::is_regular_file(metrics))
    throw DataError("not a run directory (no metrics.csv)", dir.string(),
                    "pass a directory written by descent train --out DIR");
  run.epochs = parse_table(read_file(metrics), metrics.string());
  // A run that ended (failed) in its first epoch has a summary and maybe steps, but no epoch.
  if (run.epochs.rows() == 0 && !fs::is_regular_file(dir / "summary.json"))
    throw DataError("the run has no finished epoch", metrics.string(),
                    "report on the run after its first epoch");
  if (run.epochs.rows() == 0) run.epochs = Table{};
  if (fs::is_regular_file(dir / "steps.csv"))
    run.steps = parse_table(read_file(dir / "steps.csv"), (dir / "steps.csv").string());
  if (fs::is_regular_file(dir / "predictions.csv"))
    run.predictions =
        parse_table(read_file(dir / "predictions.csv"), (dir / "predictions.csv").string());
  if (fs::is_regular_file(dir / "summary.json")) {
    try {
      run.summary = nlohmann::ordered_json::parse(read_file(dir / "summary.json"));
    } catch (const nlohmann::json::exception& e) {
      throw DataError(std::string("invalid JSON: ") + e.what(), (dir / "summary.json").string(),
                      "the file is damaged; rerun the training run");
    }
  }
  if (fs::is_regular_file(dir / "config.toml")) {
    run.config_toml = read_file(dir / "config.toml");
    try {
      flatten(toml::parse(run.config_toml), "", run.config);
    } catch (const toml::parse_error& e) {
      throw DataError(std::string("invalid TOML: ") + std::string(e.description()),
                      (dir / "config.toml").string(),
                      "the file is damaged; rerun the training run");
    }
  }
  return run;
}

}  // namespace descent::report
