#pragma once
// The frame every report page shares (a run's report.html, the overlay of runs, the pages of
// lr-find and trace): one self-contained HTML file (no network access) holding its data as JSON,
// the inlined chart library (chart_library.hpp) and the report's own script
// (src/report/assets/report.js), which draws whatever the data describes. Long numeric columns are
// embedded in binary (base64 blocks), which the browser reads faster than JSON text; every value
// stays exact. A script error is recorded on <body> as data-js-error and shown at the top. Without
// the chart library the page shows the static plots instead and says how to get the interactive
// charts.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "descent/report/chart_library.hpp"

namespace descent::report {

/// Text made safe inside HTML (& < > ").
std::string html_escape(std::string_view s);

/// The data of a page: JSON text and the binary blocks its long columns refer to, those the
/// page's script needs to draw (`blocks`, before it) and those it reads once the page is parsed
/// (`deferred_blocks`, after it: the exact rows of a table drawn first from its preview).
struct PageData {
  std::string json;
  std::vector<std::string> blocks, deferred_blocks;

  /// Appends a numeric column to `json`: an array (shortest round-trip numbers, NaN/inf as null)
  /// or, when long, {"const": v, "n": rows} / {"seq": [first, step], "n": rows} (whole numbers
  /// first + i step) / {"i32": [block ids]} / {"f64": [block ids]}, the
  /// blocks holding the values in base64 little-endian binary (exact). report.js decodeColumn()
  /// reads either form. `deferred`: its blocks go into `deferred_blocks`.
  void append_column(const std::vector<double>& column, bool deferred = false);
};

/// A box listing the problems a run met, one sentence each ("" for none).
std::string warning_box(const std::vector<std::string>& items);

/// A table of text cells (escaped), the first row its header, with the class "metrics".
std::string html_table(const std::vector<std::vector<std::string>>& rows);

/// What goes between the header and the footer of a page.
struct PageBody {
  std::string title;   // <title>
  std::string header;  // HTML above the charts: heading, what was run, results, warnings
  std::string footer;  // HTML below the charts (e.g. the configuration)
  /// HTML shown instead of the charts when the chart library is missing (static_figures()), after a
  /// line saying how to get the interactive charts.
  std::string fallback;
};

/// The page: `data` drawn by report.js with `library`, or the static plots without it.
std::string html_page(const PageBody& body, const PageData& data,
                      const std::optional<ChartLibrary>& library);

/// The SVG files in `dir`, sorted by name (none when it does not exist).
std::vector<std::filesystem::path> svg_files(const std::filesystem::path& dir);

/// The plots as figures (an SVG inlined, a PNG as a data: image), or a note that there are none
/// (no gnuplot).
std::string static_figures(const std::vector<std::filesystem::path>& files);

}  // namespace descent::report
