#include "comparison.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <thread>

#include <fmt/core.h>

#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "function_args.hpp"

namespace descent::cli {

std::vector<Variant> make_variants(const RunConfig& base, const std::vector<Assignment>& grid) {
  std::vector<Variant> out;
  for (const auto& assignment : grid) {
    Variant v{label_of(assignment), base};
    for (const auto& [key, value] : assignment) {
      const std::string where = "--vary " + key;
      if (key == "optimizer" || key == "schedule" || key == "regularization")
        v.config.set_table(key, parse_spec(value, where, R"({"name": "sgd", "lr": 0.1})"));
      else
        v.config.set(key, value, where);
    }
    out.push_back(std::move(v));
  }
  return out;
}

void run_jobs(std::size_t n, std::size_t jobs, const std::function<void(std::size_t)>& task) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next++) < n;) task(i);
  };
  const std::size_t threads = std::max<std::size_t>(1, std::min(jobs, n));
  if (threads == 1) return worker();
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

void ComparisonTable::print() const {
  std::vector<std::vector<std::string>> all{{}};
  for (const auto& c : columns) all.front().push_back(c.name);
  for (const auto& row : rows) {
    all.push_back(row);
    for (std::size_t c = 0; c < row.size(); ++c) {
      auto& s = all.back()[c];
      if (s.empty())
        s.assign(1, '-');
      else if (const double v = std::strtod(s.c_str(), nullptr);
               columns[c].numeric && std::isfinite(v))
        s = fmt::format("{:.4g}", v);  // 4 digits for people
    }
  }
  print_table(all);
}

namespace {
std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
}  // namespace

void ComparisonTable::write(const std::filesystem::path& dir, const std::string& kind,
                            const nlohmann::ordered_json& extra) const {
  std::string csv;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c) csv += ',';
    csv += csv_cell(columns[c].name);
  }
  csv += "\n";
  nlohmann::ordered_json json = {{"kind", kind}};
  for (const auto& [k, v] : extra.items()) json[k] = v;
  json["columns"] = nlohmann::json::array();
  for (const auto& c : columns) json["columns"].push_back(c.name);
  json["rows"] = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::ordered_json r = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) csv += ',';
      csv += csv_cell(row[c]);
      if (row[c].empty())
        r[columns[c].name] = nullptr;
      else if (columns[c].numeric) {  // "5" stays an integer; nan and inf become null
        auto v = nlohmann::ordered_json::parse(row[c], nullptr, false);
        r[columns[c].name] = v.is_discarded() ? nlohmann::ordered_json() : v;
      } else
        r[columns[c].name] = row[c];
    }
    csv += "\n";
    json["rows"].push_back(std::move(r));
  }
  std::filesystem::create_directories(dir);
  write_file_atomic(dir / "compare.csv", csv);
  write_file_atomic(dir / "compare.json", json.dump(2) + "\n");
}

std::string cell(double value) {
  return std::isfinite(value) ? fmt::format("{}", value)
                              : std::string(std::isnan(value) ? "nan"
                                            : value > 0       ? "inf"
                                                              : "-inf");
}

std::string cell(std::optional<double> value) {
  return value ? cell(*value) : std::string();
}

std::vector<std::string> draw(const std::filesystem::path& dir,
                              const std::vector<report::GnuplotFigure>& figures) {
  const auto gnuplot = report::find_gnuplot();
  if (gnuplot.empty()) return {report::kGnuplotHint};
  const report::ImageFormat svg = report::ImageFormat::svg;
  const auto failures = report::render(dir / "plots", figures, gnuplot, std::span(&svg, 1));
  std::vector<std::string> lines;
  for (const auto& figure : figures) {
    const auto failed = std::find_if(failures.begin(), failures.end(),
                                     [&](const auto& f) { return f.figure == figure.name; });
    lines.push_back(failed == failures.end()
                        ? "figure: " + (dir / "plots" / (figure.name + ".svg")).string()
                        : "no figure " + figure.name + ": " + failed->error.what());
  }
  return lines;
}

}  // namespace descent::cli
