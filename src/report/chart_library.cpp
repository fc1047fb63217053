#include "descent/report/chart_library.hpp"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "descent/core/atomic_file.hpp"

namespace descent::report {

namespace fs = std::filesystem;

namespace {

std::optional<ChartLibrary> load_from(const fs::path& dir) {
  const fs::path script = dir / "uPlot.iife.min.js", style = dir / "uPlot.min.css";
  std::error_code ec;
  if (!fs::is_regular_file(script, ec) || !fs::is_regular_file(style, ec)) return std::nullopt;
  return ChartLibrary{read_file(script), read_file(style)};
}

}  // namespace

std::optional<ChartLibrary> find_chart_library() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("DESCENT_UPLOT_DIR"); env && *env) candidates.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    for (fs::path dir = exe.parent_path(); !dir.empty(); dir = dir.parent_path()) {
      candidates.push_back(dir / ".deps/npm/node_modules/uplot/dist");
      if (dir == dir.root_path()) break;
    }
  candidates.emplace_back("/usr/local/share/descent/uplot");
  candidates.emplace_back("/usr/share/descent/uplot");
  for (const auto& dir : candidates)
    if (auto lib = load_from(dir)) return lib;
  return std::nullopt;
}

}  // namespace descent::report
