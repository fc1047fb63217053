#include "descent/report/range_test_page.hpp"

#include <fmt/core.h>

namespace descent::report {

ChartPage range_test_page(const sched::LRRangeTest& test, const sched::RangeTestOptions& options,
                          const std::string& what,
                          const std::vector<std::filesystem::path>& static_plots) {
  ChartPage page;
  page.body.title = "descent lr-find: learning-rate range test";
  std::string& h = page.body.header;
  h = "<h1>descent lr-find: learning-rate range test</h1>\n<p class=\"what\">" + html_escape(what) +
      "<br>";
  h += html_escape(fmt::format(
      "lr swept from {} to {} ({} sweep) over {} steps; {} recorded; loss smoothed with beta {}",
      options.start_lr, options.end_lr, options.mode, options.num_steps, test.losses().size(),
      options.smoothing));
  h += "</p>\n";
  std::vector<std::string> warnings;
  if (test.diverged())
    warnings.push_back(fmt::format(
        "the sweep stopped at lr {:.4g}: the loss diverged (above {} times the best smoothed loss)",
        test.lrs().empty() ? 0.0 : test.lrs().back(), options.diverge_factor));
  LineChart chart;
  chart.id = "lr-find";
  chart.title = "loss against the learning rate";
  chart.x_label = "learning rate";
  chart.x = test.lrs();
  chart.log_x = options.mode == "exp";
  chart.series.push_back({"loss", test.losses()});
  chart.series.push_back({fmt::format("smoothed (beta {})", options.smoothing), test.smoothed()});
  if (const auto s = test.suggestion()) {
    h += html_table({{"suggestion", "lr", "how"},
                     {"valley (suggested)", fmt::format("{}", s->valley),
                      "about halfway down the longest descent of the smoothed loss (fastai)"},
                     {"steepest", fmt::format("{}", s->steepest),
                      "where the smoothed loss falls fastest per unit of log lr"},
                     {"minimum / 10", fmt::format("{}", s->min_loss_div10),
                      "the lr at the smallest smoothed loss, divided by 10"}});
    chart.markers = {{fmt::format("valley {:.3g}", s->valley), s->valley},
                     {fmt::format("steepest {:.3g}", s->steepest), s->steepest},
                     {fmt::format("min/10 {:.3g}", s->min_loss_div10), s->min_loss_div10}};
  } else {
    warnings.push_back("no suggestion: too few finite losses; widen the range or add steps");
  }
  h += warning_box(warnings);
  page.heading = "Range test";
  page.charts.push_back(std::move(chart));
  page.body.fallback = static_figures(static_plots);
  return page;
}

}  // namespace descent::report
