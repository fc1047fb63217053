#include "descent/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/core.h>

#include "descent/core/atomic_file.hpp"
#include "descent/report/html_page.hpp"

namespace descent::report {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

std::string escape(std::string_view s) {
  return html_escape(s);
}

/// A number for people: 6 significant digits (exact values are in the data and the hover).
std::string show(double v) {
  return std::isfinite(v) ? fmt::format("{:.6g}", v) : fmt::format("{}", v);
}

std::string show(const Json& j) {
  if (j.is_number()) return show(j.get<double>());
  if (j.is_null()) return "nan";
  if (j.is_string()) return escape(j.get<std::string>());
  return escape(j.dump());
}

std::string config_value(const RunData& run, const std::string& key, std::string fallback = "") {
  const auto it = run.config.find(key);
  return it == run.config.end() || it->second.empty() ? fallback : it->second;
}

// A table of more rows than 4 x kPreviewBuckets is drawn first from a preview: the rows report.js
// would draw of it on a chart of kPreviewBuckets pixel columns (a wide screen's), with the smoothed
// values at the per-step section's start weight. The exact rows (blocks after the page's script)
// replace it once the page is parsed.
constexpr std::size_t kPreviewBuckets = 1024;
constexpr double kStepSmoothing = 0.6;  // the per-step section's smoothing slider starts here

/// The preview's rows: per bucket of rows its first and last, and every column's rows of least and
/// greatest finite value (report.js decimate() over all the columns).
std::vector<std::size_t> preview_rows(const Table& t) {
  const std::size_t n = t.rows();
  std::vector<std::size_t> rows;
  for (std::size_t b = 0; b < kPreviewBuckets; ++b) {
    const std::size_t from = b * n / kPreviewBuckets, to = (b + 1) * n / kPreviewBuckets - 1;
    std::vector<std::size_t> picks{from, to};
    for (const auto& c : t.columns) {
      std::size_t min = to + 1, max = to + 1;
      for (std::size_t i = from; i <= to; ++i) {
        if (!std::isfinite(c[i])) continue;
        if (min > to || c[i] < c[min]) min = i;
        if (max > to || c[i] > c[max]) max = i;
      }
      if (min <= to) picks.insert(picks.end(), {min, max});
    }
    std::sort(picks.begin(), picks.end());
    picks.erase(std::unique(picks.begin(), picks.end()), picks.end());
    rows.insert(rows.end(), picks.begin(), picks.end());
  }
  return rows;
}

/// report.js smooth() in the same arithmetic (so the same doubles): TensorBoard's debiased
/// exponential moving average over the finite values, a non-finite one kept as it is; a constant
/// column as it is.
std::vector<double> smoothed(const std::vector<double>& ys, double w) {
  if (std::all_of(ys.begin(), ys.end(), [&](double y) { return y == ys.front(); })) return ys;
  std::vector<double> out(ys.size());
  double last = 0, wn = 1;
  for (std::size_t k = 0; k < ys.size(); ++k) {
    if (!std::isfinite(ys[k])) {
      out[k] = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    last = last * w + (1 - w) * ys[k];
    wn *= w;
    out[k] = last / (w == 1 ? 1 : 1 - wn);
  }
  return out;
}

/// {"names": [...], "columns": [column, ...]} (PageData::append_column), and for a long table
/// (`previewed`) "preview": {"rows": [row numbers], "columns": [the columns at those rows],
/// "smoothed": [smoothed at kStepSmoothing at those rows, null for the x columns epoch and step]},
/// its exact columns deferred.
void append_table_json(PageData& data, const Table& t, bool previewed) {
  data.json += "{\"names\":";
  data.json += Json(t.names).dump();
  data.json += ",\"columns\":[";
  previewed = previewed && t.rows() > 4 * kPreviewBuckets;
  for (std::size_t j = 0; j < t.columns.size(); ++j) {
    if (j) data.json += ',';
    data.append_column(t.columns[j], previewed);
  }
  data.json += ']';
  if (previewed) {
    const auto rows = preview_rows(t);
    const auto at_rows = [&](const std::vector<double>& c) {
      std::vector<double> out;
      out.reserve(rows.size());
      for (const auto r : rows) out.push_back(c[r]);
      return out;
    };
    data.json += ",\"preview\":{\"rows\":";
    data.append_column(std::vector<double>(rows.begin(), rows.end()));
    data.json += ",\"columns\":[";
    for (std::size_t j = 0; j < t.columns.size(); ++j) {
      if (j) data.json += ',';
      data.append_column(at_rows(t.columns[j]));
    }
    data.json += "],\"smoothed\":[";
    for (std::size_t j = 0; j < t.columns.size(); ++j) {
      if (j) data.json += ',';
      if (t.names[j] == "epoch" || t.names[j] == "step")
        data.json += "null";
      else
        data.append_column(at_rows(smoothed(t.columns[j], kStepSmoothing)));
    }
    data.json += "]}";
  }
  data.json += '}';
}

PageData page_data(const std::vector<RunData>& runs, const std::vector<std::string>& labels) {
  PageData data;
  // One run's long per-step table is drawn first from its preview (overlaid runs: exact rows).
  data.json = fmt::format("{{\"step_smoothing\":{},\"runs\":[", kStepSmoothing);
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (r) data.json += ',';
    data.json += "{\"name\":" + Json(runs[r].name).dump() + ",\"label\":" + Json(labels[r]).dump();
    data.json += ",\"epochs\":";
    append_table_json(data, runs[r].epochs, false);
    data.json += ",\"steps\":";
    append_table_json(data, runs[r].steps, runs.size() == 1);
    data.json += ",\"predictions\":";
    append_table_json(data, runs[r].predictions, false);
    data.json += '}';
  }
  data.json += "]}";
  return data;
}

/// Every problem the run met, one sentence each.
std::vector<std::string> warnings(const RunData& run) {
  std::vector<std::string> w;
  const Json& s = run.summary;
  if (s.is_null())
    w.push_back(
        fmt::format("no summary.json: the run did not finish (interrupted or still "
                    "running); showing its {} epoch(s)",
                    run.epochs.rows()));
  if (s.is_object()) {
    const std::string reason = s.value("stop_reason", "");
    const bool failed = s.value("failed", false);
    if (failed) {
      std::string last;
      if (s.contains("last_finite") && s["last_finite"].is_object() &&
          s["last_finite"].value("loss", Json()).is_number())
        last =
            fmt::format(" (last finite loss {:.4g} at step {})",
                        s["last_finite"]["loss"].get<double>(), s["last_finite"].value("step", 0));
      w.push_back(fmt::format("the run failed at step {}: {}{}", s.value("failed_step", 0),
                              s.value("error", std::string()), last));
    }
    if (!failed && (s.value("stopped_early", false) || !reason.empty()))
      w.push_back("stopped early: " +
                  (reason.empty() ? std::string("no reason recorded") : reason));
    if (s.contains("notices") && s["notices"].is_array())
      for (const auto& n : s["notices"])
        if (n.is_object() && n.value("warning", false))
          w.push_back(n.value("message", std::string()));
    if (const auto skipped = s.value("skipped_steps", 0); skipped > 0)
      w.push_back(fmt::format("{} step(s) skipped for a non-finite loss or gradient", skipped));
  }
  for (std::size_t j = 0; j < run.epochs.names.size(); ++j) {
    const auto& c = run.epochs.columns[j];
    const auto bad = std::find_if(c.begin(), c.end(), [](double v) { return std::isinf(v); });
    const auto nan = std::find_if(c.begin(), c.end(), [](double v) { return std::isnan(v); });
    // An empty cell (NaN) is a metric not logged that epoch; inf or a NaN after finite values is a
    // diverged metric.
    const bool diverged_nan =
        nan != c.end() && std::any_of(c.begin(), nan, [](double v) { return std::isfinite(v); });
    if (bad != c.end() || diverged_nan) {
      const auto first = std::min(bad == c.end() ? c.size() : bad - c.begin(),
                                  diverged_nan ? nan - c.begin() : c.size());
      w.push_back(fmt::format("{} is not finite from epoch {} on (diverged?)", run.epochs.names[j],
                              first + 1));
    }
  }
  return w;
}

/// The last row of metrics.csv as name -> value.
Json last_epoch(const RunData& run) {
  Json j = Json::object();
  for (std::size_t c = 0; c < run.epochs.names.size(); ++c)
    j[run.epochs.names[c]] = run.epochs.columns[c].back();
  return j;
}

std::string metrics_table(const RunData& run) {
  const Json final_ = run.summary.is_object() && run.summary.contains("final")
                          ? run.summary["final"]
                          : last_epoch(run);
  const Json best = run.summary.is_object() ? run.summary.value("best", Json::object()) : Json();
  const std::string best_title =
      run.summary.is_object()
          ? fmt::format("best (epoch {}, by {})", run.summary.value("best_epoch", 0),
                        escape(run.summary.value("monitor", std::string("?"))))
          : "best";
  std::string out = "<table class=\"metrics\"><tr><th>metric</th><th>final</th>";
  if (best.is_object()) out += "<th>" + best_title + "</th>";
  out += "</tr>\n";
  for (const auto& [name, value] : final_.items()) {
    if (name == "epoch") continue;
    out += "<tr><td>" + escape(name) + "</td><td>" + show(value) + "</td>";
    if (best.is_object()) out += "<td>" + (best.contains(name) ? show(best[name]) : "") + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string confusion_html(const Json& summary) {
  if (!summary.is_object() || !summary.contains("confusion_matrix")) return "";
  const Json& cm = summary["confusion_matrix"];
  const Json& m = cm["matrix"];
  std::vector<std::string> names;
  if (summary.contains("classes"))
    for (const auto& c : summary["classes"]) names.push_back(c.get<std::string>());
  while (names.size() < m.size()) names.push_back(std::to_string(names.size()));
  std::string out = fmt::format(
      "<h2>Confusion matrix ({} split)</h2>\n<p class=\"note\">Rows: true class, columns: "
      "predicted class; colour: the share of the row (recall).</p>\n<table class=\"confusion\">"
      "<tr><th>true \\ predicted</th>",
      escape(cm.value("split", std::string("test"))));
  for (std::size_t j = 0; j < m.size(); ++j) out += "<th>" + escape(names[j]) + "</th>";
  out += "<th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n";
  for (std::size_t i = 0; i < m.size(); ++i) {
    double row_sum = 0;
    for (const auto& v : m[i]) row_sum += v.get<double>();
    out += "<tr><th>" + escape(names[i]) + "</th>";
    for (std::size_t j = 0; j < m[i].size(); ++j) {
      const double v = m[i][j].get<double>();
      const double share = row_sum > 0 ? v / row_sum : 0;
      out += fmt::format(
          "<td style=\"background:rgba(31,119,180,{:.3f});color:{}\" title=\"{} of {} ({:.1f}%)"
          "\">{}</td>",
          share, share > 0.5 ? "#fff" : "#000", v, row_sum, 100 * share, v);
    }
    auto cell = [&](const char* key) {
      return cm.contains(key) && i < cm[key].size() ? show(cm[key][i]) : std::string();
    };
    out += "<td>" + cell("precision") + "</td><td>" + cell("recall") + "</td><td>" + cell("f1") +
           "</td><td>" + cell("support") + "</td></tr>\n";
  }
  return out + "</table>\n";
}

std::string run_header(const RunData& run) {
  const Json& s = run.summary;
  std::string out =
      "<h1>descent run <code>" + escape(run.name) + "</code></h1>\n<p class=\"what\">";
  out += fmt::format("<b>{}</b> {} on <b>{}</b>", escape(config_value(run, "model.spec", "?")),
                     escape(s.is_object() ? s.value("task", std::string()) : std::string()),
                     escape(config_value(run, "data.path", "?")));
  out +=
      fmt::format("; optimizer <b>{}</b> (lr {})", escape(config_value(run, "optimizer.name", "?")),
                  escape(config_value(run, "optimizer.lr", "default")));
  if (const auto sched = config_value(run, "schedule.name"); !sched.empty())
    out += "; schedule <b>" + escape(sched) + "</b>";
  out += "; batch size " + escape(config_value(run, "train.batch_size", "?"));
  out += "<br>";
  out += fmt::format("{} epoch(s)", run.epochs.rows());
  if (s.is_object()) {
    out += fmt::format(", {} steps, {:.3g} s", s.value("steps", 0), s.value("wall_seconds", 0.0));
    if (const double validation = s.value("validation_seconds", 0.0); validation > 0)
      out += fmt::format(" ({:.2g} s of it validation)", validation);
    const double speed = s.value("samples_per_second", 0.0);  // whole samples from 100/s on
    out += speed >= 100 ? fmt::format(", {:.0f} samples/s", speed)
                        : fmt::format(", {:.3g} samples/s", speed);
    const std::string reason = s.value("stop_reason", "");
    out += "; stop: " + escape(reason.empty() ? "all epochs run" : reason);
  }
  return out + "</p>\n";
}

std::string compare_header(const std::vector<RunData>& runs,
                           const std::vector<std::string>& labels) {
  std::string out = fmt::format("<h1>descent: {} runs overlaid</h1>\n", runs.size());
  std::vector<std::string> columns;
  std::vector<Json> finals;
  for (const auto& run : runs) {
    finals.push_back(run.summary.is_object() && run.summary.contains("final") ? run.summary["final"]
                                                                              : last_epoch(run));
    for (const auto& [name, value] : finals.back().items())
      if (name != "epoch" && std::find(columns.begin(), columns.end(), name) == columns.end())
        columns.push_back(name);
  }
  out += "<table class=\"metrics\"><tr><th>run</th><th>directory</th><th>epochs</th>";
  for (const auto& c : columns) out += "<th>final " + escape(c) + "</th>";
  out += "</tr>\n";
  for (std::size_t r = 0; r < runs.size(); ++r) {
    out += "<tr><td>" + escape(labels[r]) + "</td><td><code>" + escape(runs[r].dir.string()) +
           "</code></td><td>" + std::to_string(runs[r].epochs.rows()) + "</td>";
    for (const auto& c : columns)
      out += "<td>" + (finals[r].contains(c) ? show(finals[r][c]) : "") + "</td>";
    out += "</tr>\n";
  }
  out += "</table>\n";
  std::vector<std::string> all;
  for (std::size_t r = 0; r < runs.size(); ++r)
    for (const auto& w : warnings(runs[r])) all.push_back(labels[r] + ": " + w);
  return out + warning_box(all);
}

}  // namespace

std::vector<std::string> run_labels(const std::vector<RunData>& runs) {
  std::set<std::string> keys;
  for (const auto& run : runs)
    for (const auto& [key, value] : run.config) keys.insert(key);
  std::vector<std::string> differing;
  for (const auto& key : keys) {
    if (key == "output.dir" || key == "output.progress") continue;
    for (const auto& run : runs)
      if (config_value(run, key, "(unset)") != config_value(runs.front(), key, "(unset)")) {
        differing.push_back(key);
        break;
      }
  }
  std::vector<std::string> labels;
  for (const auto& run : runs) {
    std::string label;
    for (const auto& key : differing)
      label += (label.empty() ? "" : ", ") + key.substr(key.find('.') + 1) + "=" +
               config_value(run, key, "(unset)");
    labels.push_back(label.empty() ? run.name : label);
  }
  // Identical labels (the same config twice): tell them apart by directory.
  for (std::size_t r = 0; r < labels.size(); ++r)
    if (std::count(labels.begin(), labels.end(), labels[r]) > 1 && !differing.empty())
      labels[r] += " (" + runs[r].name + ")";
  return labels;
}

std::string report_html(const std::vector<RunData>& runs,
                        const std::optional<ChartLibrary>& library) {
  const auto labels = run_labels(runs);
  const bool single = runs.size() == 1;
  PageBody body;
  body.title = single ? "descent run " + runs.front().name
                      : fmt::format("descent: {} runs overlaid", runs.size());
  if (single) {
    body.header = run_header(runs.front());
    body.header += warning_box(warnings(runs.front()));
    body.header += metrics_table(runs.front());
  } else {
    body.header = compare_header(runs, labels);
  }
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (!single) body.fallback += "<h2>" + escape(labels[r]) + "</h2>\n";
    body.fallback += static_figures(svg_files(runs[r].dir / "plots"));
  }
  if (single) body.footer += confusion_html(runs.front().summary);
  for (std::size_t r = 0; r < runs.size(); ++r)
    if (!runs[r].config_toml.empty())
      body.footer += "<details class=\"config\"><summary>Configuration" +
                     (single ? std::string() : " of " + escape(labels[r])) + "</summary><pre>" +
                     escape(runs[r].config_toml) + "</pre></details>\n";
  return html_page(body, library ? page_data(runs, labels) : PageData(), library);
}

bool write_report(const fs::path& path, const std::vector<RunData>& runs) {
  const auto library = find_chart_library();
  write_file_atomic(path, report_html(runs, library), Durability::unsynced);
  return library.has_value();
}

}  // namespace descent::report
