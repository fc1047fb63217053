#include "training_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>

#include <fmt/core.h>

#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/report/html_report.hpp"
#include "descent/report/line_plot.hpp"
#include "descent/report/run_data.hpp"
#include "interrupt.hpp"
#include "train_run.hpp"

namespace descent::cli {

namespace {

enum class Outcome { ok, diverged, failed, not_run };

struct Result {
  Outcome outcome = Outcome::not_run;
  std::string error;  // failed: the error line
  bool bad_input = false;
  std::exception_ptr exception;
};

/// "03-optimizer.lr=0.1": the index keeps the grid order, the label says what the run is.
std::string run_dir_name(std::size_t index, std::size_t count, const std::string& label) {
  std::string slug;
  for (char c : label.empty() ? std::string("base") : label) {
    const bool plain =
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '=' || c == '-' || c == '_';
    if (plain)
      slug += c;
    else if (!slug.empty() && slug.back() != '_')
      slug += '_';
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  if (slug.size() > 60) slug.resize(60);
  const int width = static_cast<int>(fmt::format("{}", count).size());
  return fmt::format("{:0{}}-{}", index + 1, std::max(width, 2), slug);
}

/// The divergence of a run, read from what it left: the step it stopped at on a non-finite value
/// (summary.json), else the end of the first epoch whose training loss is not finite or exceeds
/// 10x the best before it and the first epoch's (a loss that blew up without overflowing).
std::optional<double> diverged_step(const report::RunData& run, bool threw_numerical) {
  const auto& s = run.summary;
  const double steps = s.is_object() && s.contains("steps") && s["steps"].is_number()
                           ? s["steps"].get<double>()
                           : std::nan("");
  if (threw_numerical) return steps;
  const auto* loss = run.epochs.column("train_loss");
  if (!loss || loss->empty()) return std::nullopt;
  double best = (*loss)[0];
  for (std::size_t e = 1; e < loss->size(); ++e) {
    const double v = (*loss)[e];
    if (!std::isfinite(v) || v > 10 * std::max(best, (*loss)[0])) {
      // steps per epoch from the run's own count
      const double per_epoch = steps / static_cast<double>(loss->size());
      return std::isfinite(per_epoch) ? std::round(per_epoch * static_cast<double>(e + 1))
                                      : std::nan("");
    }
    best = std::min(best, v);
  }
  return std::nullopt;
}

double summary_number(const nlohmann::ordered_json& s, const char* key) {
  return s.is_object() && s.contains(key) && s[key].is_number() ? s[key].get<double>()
                                                                : std::nan("");
}

}  // namespace

int compare_training(const TrainingComparison& comparison, std::vector<Variant> variants) {
  const std::size_t n = variants.size();
  // Threads: the machine's OpenMP threads split over the concurrent runs, unless set or varied.
  const int per_run =
      std::max(1, num_threads() / static_cast<int>(std::max<std::size_t>(1, comparison.jobs)));
  for (std::size_t i = 0; i < n; ++i) {
    auto& c = variants[i].config;
    c.set("output.dir", (comparison.dir / run_dir_name(i, n, variants[i].label)).string(),
          "descent compare");
    c.set("output.progress", "none", "descent compare");
    if (c.train.threads == 0) c.train.threads = per_run;
  }

  std::vector<Result> results(n);
  std::mutex print_mutex;
  std::size_t finished = 0;
  const SignalGuard signals;  // an interrupt stops the running variants and starts no more
  run_jobs(n, comparison.jobs, [&](std::size_t i) {
    Result& r = results[i];
    if (SignalGuard::received()) return;
    try {
      RunConfig config = variants[i].config;
      train_config(config, "", {.quiet = true, .views = false});
      r.outcome = SignalGuard::received() ? Outcome::not_run : Outcome::ok;
    } catch (const NumericalError& e) {
      r.outcome = Outcome::diverged;
      r.error = e.what();
    } catch (const ConfigError& e) {
      r = {Outcome::failed, e.what(), true, std::current_exception()};
    } catch (const DataError& e) {
      r = {Outcome::failed, e.what(), true, std::current_exception()};
    } catch (const std::exception& e) {
      r = {Outcome::failed, e.what(), false, std::current_exception()};
    }
    const std::lock_guard lock(print_mutex);
    ++finished;
    fmt::print("[{}/{}] {}: {}\n", finished, n,
               variants[i].label.empty() ? "base" : variants[i].label,
               r.outcome == Outcome::ok         ? "done"
               : r.outcome == Outcome::diverged ? "diverged"
               : r.outcome == Outcome::failed   ? "failed: " + r.error
                                                : "not run (interrupted)");
    std::fflush(stdout);
  });
  if (std::all_of(results.begin(), results.end(), [](const Result& r) { return r.bad_input; }))
    std::rethrow_exception(results.front().exception);

  // The table, from what each run left in its directory.
  TrainingComparison c = comparison;
  std::vector<report::RunData> runs;
  std::vector<std::string> run_labels;
  std::string monitor = "train_loss";
  ComparisonTable table;
  std::vector<std::vector<std::string>> rows;
  bool any_failed = false;
  for (std::size_t i = 0; i < n; ++i) {
    const Result& r = results[i];
    const std::string label = variants[i].label.empty() ? "base" : variants[i].label;
    std::optional<report::RunData> run;
    if (r.outcome == Outcome::ok || r.outcome == Outcome::diverged) try {
        run = report::load_run(variants[i].config.output.dir);
      } catch (const Error&) {  // a run that diverged before its first epoch ended
      }
    std::string outcome;
    std::optional<double> final_value, best_value, best_epoch, to_target, diverged, wall, speed,
        final_loss;
    if (r.outcome == Outcome::failed) {
      outcome = "failed: " + r.error;
      any_failed = true;
    } else if (r.outcome == Outcome::not_run) {
      outcome = "not run (interrupted)";
      any_failed = true;
    }
    if (run) {
      const auto& s = run->summary;
      if (s.is_object() && s.contains("monitor") && s["monitor"].is_string())
        monitor = s["monitor"].get<std::string>();
      const bool max_mode = s.is_object() && s.value("mode", "min") == "max";
      if (const auto* col = run->epochs.column(monitor); col && !col->empty()) {
        final_value = col->back();
        for (std::size_t e = 0; e < col->size(); ++e) {
          const double v = (*col)[e];
          if (!std::isfinite(v)) continue;
          if (!best_value || (max_mode ? v > *best_value : v < *best_value))
            best_value = v, best_epoch = static_cast<double>(e + 1);
          if (c.target && !to_target && (max_mode ? v >= *c.target : v <= *c.target))
            to_target = static_cast<double>(e + 1);
        }
      }
      if (const auto* loss = run->epochs.column("train_loss"); loss && !loss->empty())
        final_loss = loss->back();
      diverged = diverged_step(*run, r.outcome == Outcome::diverged);
      wall = summary_number(s, "wall_seconds");
      speed = summary_number(s, "samples_per_second");
      runs.push_back(*run);
      run_labels.push_back(label);
    }
    if (r.outcome == Outcome::diverged && !diverged) diverged = std::nan("");  // before epoch 1
    if (outcome.empty())
      outcome = diverged ? (std::isfinite(*diverged) ? fmt::format("diverged at step {}", *diverged)
                                                     : std::string("diverged"))
                         : "ok";
    rows.push_back({label, cell(final_value), cell(best_value), cell(best_epoch)});
    if (c.target) rows.back().push_back(cell(to_target));
    rows.back().insert(rows.back().end(), {cell(final_loss), outcome, cell(diverged), cell(wall),
                                           cell(speed), variants[i].config.output.dir});
  }
  table.columns = {{"variant", false},
                   {"final " + monitor, true},
                   {"best " + monitor, true},
                   {"best epoch", true}};
  if (c.target) table.columns.push_back({fmt::format("epochs to {} {}", monitor, *c.target), true});
  table.columns.insert(table.columns.end(), {{"final train_loss", true},
                                             {"outcome", false},
                                             {"diverged at step", true},
                                             {"wall s", true},
                                             {"samples/s", true},
                                             {"run", false}});
  table.rows = std::move(rows);
  fmt::print("\n");
  table.print();
  nlohmann::ordered_json extra = {{"monitor", monitor}};
  if (c.target) extra["target"] = *c.target;
  table.write(c.dir, "training", extra);

  // One figure overlaying the runs' curves, and compare.html.
  report::LinePlot plot;
  plot.name = c.figure_name;
  const bool per_step = c.figure_metric.rfind("steps:", 0) == 0;
  const std::string metric = per_step ? c.figure_metric.substr(6) : c.figure_metric;
  plot.title = c.title;
  plot.xlabel = per_step ? "epoch (per step)" : "epoch";
  plot.ylabel = metric;
  plot.log_y = metric.find("loss") != std::string::npos;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const auto& t = per_step ? runs[k].steps : runs[k].epochs;
    const auto* x = t.column(per_step ? "step" : "epoch");
    const auto* y = t.column(metric);
    if (!x || !y || x->empty()) continue;
    report::Series series{run_labels[k], *x, *y, t.rows() <= 60, false};
    // Steps on a shared axis of epochs: runs with different batch sizes take different step counts.
    if (const auto* epoch = t.column("epoch"); per_step && epoch && x->back() > 0)
      for (auto& v : series.x) v *= epoch->back() / x->back();
    plot.series.push_back(std::move(series));
  }
  for (const auto& line : draw(c.dir, {report::line_figure(plot)})) fmt::print("{}\n", line);
  if (!runs.empty()) {
    const auto html = c.dir / "compare.html";
    const bool interactive = report::write_report(html, runs);
    fmt::print("report: {}{}\n", html.string(), interactive ? "" : " (static plots only)");
  }
  fmt::print("table: {}\n", (c.dir / "compare.csv").string());
  return any_failed ? 1 : 0;
}

}  // namespace descent::cli
