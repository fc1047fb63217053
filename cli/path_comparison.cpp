#include "path_comparison.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/objective/function_spec.hpp"
#include "descent/objective/tracer.hpp"
#include "descent/report/contour_plot.hpp"
#include "descent/report/line_plot.hpp"
#include "function_args.hpp"

namespace descent::cli {

namespace {

struct Path {
  std::size_t function = 0;
  std::vector<double> x0;
  const Variant* variant = nullptr;
  std::string optimizer;                // the optimizer table, compact JSON
  std::vector<std::vector<double>> xs;  // the start, then the point after each step
  std::vector<double> fs, grad_norms;
  std::optional<std::int64_t> diverged;    // the first step that overflowed or went 10x uphill
  std::optional<std::int64_t> within_tol;  // the first step within tol of a minimum (or |g| <= tol)
  std::string error;                       // a variant that could not run
};

double distance(const std::vector<double>& x, const std::vector<objective::Minimum>& minima) {
  double best = std::numeric_limits<double>::infinity();
  for (const auto& m : minima) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) s += (x[i] - m.x[i]) * (x[i] - m.x[i]);
    best = std::min(best, std::sqrt(s));
  }
  return best;
}

/// Runs one path. Divergence: a non-finite f or gradient (the tracer stops, the path is kept up
/// to the last finite point), or f - f_min above 10x its start value (the path goes on).
void trace(const objective::Function& f, Path& p, std::int64_t steps, double tol) {
  objective::Tracer tracer(f, p.x0, p.variant->config.optimizer);
  const auto minima = f.minima();
  double f_min = std::numeric_limits<double>::infinity();
  for (const auto& m : minima) f_min = std::min(f_min, m.value);
  auto record = [&] {
    p.xs.emplace_back(tracer.x().begin(), tracer.x().end());
    p.fs.push_back(tracer.value());
    p.grad_norms.push_back(tracer.grad_norm());
    const bool close =
        minima.empty() ? tracer.grad_norm() <= tol : distance(p.xs.back(), minima) <= tol;
    if (close && !p.within_tol) p.within_tol = tracer.steps();
    if (!minima.empty() && !p.diverged && tracer.value() - f_min > 10 * (p.fs.front() - f_min) &&
        p.fs.front() > f_min)
      p.diverged = tracer.steps();
  };
  record();
  try {
    while (tracer.steps() < steps) {
      tracer.step();
      record();
    }
  } catch (const NumericalError&) {
    if (!p.diverged) p.diverged = tracer.steps() + 1;
  }
}

std::string path_csv(const Path& p) {
  std::string out = "step";
  for (std::size_t i = 0; i < p.x0.size(); ++i) out += fmt::format(",x{}", i);
  out += ",f,grad_norm\n";
  for (std::size_t k = 0; k < p.xs.size(); ++k)
    out += fmt::format("{},{},{},{}\n", k, fmt::join(p.xs[k], ","), p.fs[k], p.grad_norms[k]);
  return out;
}

std::string short_label(const Path& p, bool with_start) {
  std::string s = p.optimizer;
  if (with_start) s = fmt::format("from ({}) ", fmt::join(p.x0, ", ")) + s;
  return s;
}

/// 1-D figures: the paths on the curve f(x), and |1 - lr L| against lr with the boundary 2/L
/// (L = f''(x0)), each variant's lr marked.
std::vector<report::GnuplotFigure> figures_1d(const objective::Function& f, const std::string& name,
                                              const std::string& title,
                                              const std::vector<const Path*>& paths,
                                              bool with_start) {
  std::vector<report::GnuplotFigure> out;
  report::LinePlot curve;
  curve.name = name;
  curve.title = title;
  curve.xlabel = "x";
  curve.ylabel = "f(x)";
  // The starts and minima, mirrored about the first minimum (the course draws x^2 on [-7, 7]).
  const auto minima = f.minima();
  const double centre = minima.empty() ? 0.0 : minima.front().x[0];
  double lo = centre, hi = centre;
  for (const auto* p : paths) {
    const double r = std::abs(p->x0[0] - centre);
    lo = std::min(lo, centre - r), hi = std::max(hi, centre + r);
  }
  const double span = std::max(hi - lo, 1.0);
  lo -= 0.1 * span, hi += 0.1 * span;
  report::Series fx{"f(x)", {}, {}, false, false};
  double top = 0;
  for (int i = 0; i <= 200; ++i) {
    const double x = lo + (hi - lo) * i / 200;
    fx.x.push_back(x);
    fx.y.push_back(f.value(std::vector<double>{x}));
    top = std::max(top, fx.y.back());
  }
  curve.series.push_back(fx);
  for (const auto* p : paths) {
    report::Series s{short_label(*p, with_start), {}, {}, true, false};
    for (std::size_t k = 0; k < p->xs.size(); ++k)
      s.x.push_back(p->xs[k][0]), s.y.push_back(p->fs[k]);
    curve.series.push_back(std::move(s));
  }
  // The curve's window: a diverging path leaves it, as in the course's figure.
  curve.x_range = {lo, hi};
  curve.y_range = {std::min(0.0, fx.y[100]), 1.1 * top};
  out.push_back(report::line_figure(curve));

  if (!f.has_hessian()) return out;
  std::vector<double> h(1);
  f.hessian(paths.front()->x0, h);
  const double L = h[0];
  if (!(L > 0)) return out;
  report::LinePlot rate;
  rate.name = name + "_stability";
  rate.title = fmt::format("{}: GD contracts by |1 - lr L| per step (L = f'' = {})", title, L);
  rate.xlabel = "learning rate";
  rate.ylabel = "|1 - lr L|";
  report::Series factor{"|1 - lr L|", {}, {}, false, false};
  double lr_max = 2.4 / L;
  for (const auto* p : paths)
    if (p->variant->config.optimizer.contains("lr") &&
        p->variant->config.optimizer["lr"].is_number())
      lr_max = std::max(lr_max, 1.2 * p->variant->config.optimizer["lr"].get<double>());
  for (int i = 0; i <= 200; ++i) {
    const double lr = lr_max * i / 200;
    factor.x.push_back(lr);
    factor.y.push_back(std::abs(1 - lr * L));
  }
  rate.series.push_back(factor);
  rate.series.push_back({"stable below 1", {0, lr_max}, {1, 1}, false, true});
  for (const auto* p : paths) {
    const auto& o = p->variant->config.optimizer;
    if (!o.contains("lr") || !o["lr"].is_number()) continue;
    const double lr = o["lr"].get<double>();
    rate.series.push_back({short_label(*p, with_start), {lr}, {std::abs(1 - lr * L)}, true, false});
  }
  rate.markers.push_back({fmt::format("2/L = {}", 2 / L), 2 / L});
  out.push_back(report::line_figure(rate));
  return out;
}

}  // namespace

int compare_paths(const PathComparison& c, const std::vector<Variant>& variants) {
  std::vector<std::unique_ptr<objective::Function>> functions;
  std::vector<Path> paths;
  for (std::size_t fi = 0; fi < c.functions.size(); ++fi) {
    const auto& choice = c.functions[fi];
    std::vector<std::vector<double>> starts;
    for (const auto& s : c.starts) starts.push_back(parse_point(s));
    const std::size_t dim = starts.empty() ? 0 : starts.front().size();
    functions.push_back(
        objective::make_function(choice.name, parse_parameters(choice.params), dim));
    const auto& f = *functions.back();
    if (starts.empty()) starts.push_back(f.start());
    for (const auto& x0 : starts) {
      if (x0.size() != f.dimension())
        throw ConfigError(fmt::format("({}) has {} coordinates, '{}' takes {}", fmt::join(x0, ","),
                                      x0.size(), choice.name, f.dimension()),
                          "--x0", "give one start point per function dimension");
      objective::check_finite_at(f, x0, "--x0");
      for (const auto& v : variants) {
        Path p;
        p.function = fi;
        p.x0 = x0;
        p.variant = &v;
        // The optimizer as the variant gave it (key order kept), else the table.
        p.optimizer = v.label.rfind("optimizer=", 0) == 0 && v.label.find(", ") == std::string::npos
                          ? v.label.substr(10)
                      : v.label.empty() ? v.config.optimizer.dump()
                                        : v.label;
        paths.push_back(std::move(p));
      }
    }
  }
  bool any_failed = false;
  run_jobs(paths.size(), c.jobs, [&](std::size_t i) {
    try {
      trace(*functions[paths[i].function], paths[i], c.steps, c.tol);
    } catch (const Error& e) {
      paths[i].error = e.what();
    }
  });

  ComparisonTable table;
  table.columns = {{"function", false},
                   {"x0", false},
                   {"optimizer", false},
                   {"steps", true},
                   {"x", false},
                   {"f", true},
                   {"distance to minimum", true},
                   {fmt::format("steps to tol {}", c.tol), true},
                   {"outcome", false},
                   {"diverged at step", true},
                   {"path", false}};
  std::filesystem::create_directories(c.dir / "paths");
  const int width =
      static_cast<int>(std::max<std::size_t>(2, fmt::format("{}", paths.size()).size()));
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const Path& p = paths[i];
    const auto& f = *functions[p.function];
    const auto file = c.dir / "paths" / fmt::format("{:0{}}.csv", i + 1, width);
    const std::string fname =
        c.functions[p.function].name +
        (c.functions[p.function].params.empty()
             ? ""
             : fmt::format(" ({})", fmt::join(c.functions[p.function].params, ", ")));
    if (!p.error.empty() || p.xs.empty()) {
      any_failed = true;
      table.rows.push_back({fname, fmt::format("{}", fmt::join(p.x0, ",")), p.optimizer, "", "", "",
                            "", "", "failed: " + p.error, "", ""});
      continue;
    }
    write_file_atomic(file, path_csv(p));
    const auto minima = f.minima();
    std::string outcome = p.diverged     ? fmt::format("diverged at step {}", *p.diverged)
                          : p.within_tol ? "converged"
                                         : "not within tol";
    table.rows.push_back({fname, fmt::format("{}", fmt::join(p.x0, ",")), p.optimizer,
                          fmt::format("{}", p.xs.size() - 1),
                          fmt::format("({})", fmt::join(p.xs.back(), ", ")), cell(p.fs.back()),
                          minima.empty() ? "" : cell(distance(p.xs.back(), minima)),
                          p.within_tol ? cell(static_cast<double>(*p.within_tol)) : "", outcome,
                          p.diverged ? cell(static_cast<double>(*p.diverged)) : "", file.string()});
  }
  table.print();
  table.write(c.dir, "paths", {{"steps", c.steps}, {"tol", c.tol}});

  std::vector<report::GnuplotFigure> figs;
  const bool with_start = c.starts.size() > 1;
  for (std::size_t fi = 0; fi < functions.size(); ++fi) {
    const auto& f = *functions[fi];
    std::vector<const Path*> mine;
    for (const auto& p : paths)
      if (p.function == fi && p.error.empty() && !p.xs.empty()) mine.push_back(&p);
    if (mine.empty()) continue;
    const std::string name = (c.title.empty() ? std::string("paths") : c.title) +
                             (functions.size() > 1 ? "_" + c.functions[fi].name : std::string());
    const std::string title = fmt::format("{} ({} steps)", c.functions[fi].name, c.steps);
    if (f.dimension() == 2) {
      std::vector<report::TracePath> tp;
      for (const auto* p : mine) {
        report::TracePath t{short_label(*p, with_start), {}};
        for (const auto& x : p->xs) t.points.push_back({x[0], x[1]});
        tp.push_back(std::move(t));
      }
      figs.push_back(report::contour_figure(f, tp, name, title));
    } else if (f.dimension() == 1) {
      auto more = figures_1d(f, name, title, mine, with_start);
      figs.insert(figs.end(), more.begin(), more.end());
    }
  }
  for (const auto& line : draw(c.dir, figs)) fmt::print("{}\n", line);
  fmt::print("table: {}\n", (c.dir / "compare.csv").string());
  return any_failed ? 1 : 0;
}

}  // namespace descent::cli
