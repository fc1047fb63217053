#include "descent/report/gnuplot.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <fmt/core.h>

#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"

namespace descent::report {

namespace fs = std::filesystem;

fs::path find_gnuplot() {
  if (const char* env = std::getenv("DESCENT_GNUPLOT"); env && *env)
    return fs::is_regular_file(env) ? fs::path(env) : fs::path();
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/bin:/bin";
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const fs::path candidate = fs::path(rest.substr(0, colon)) / "gnuplot";
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return candidate;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return {};
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string gnuplot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string gnuplot_output(const std::string& name, int width, int height) {
  return fmt::format(
      "if (!exists(\"outfile\")) outfile = exists(\"png\") ? \"{0}.png\" : \"{0}.svg\"\n"
      "if (exists(\"png\")) {{\n"
      "  set terminal pngcairo size {1},{2} font \"sans,10\" background \"white\"\n"
      "}} else {{\n"
      "  set terminal svg size {1},{2} dynamic font \"sans,12\" background \"white\"\n"
      "}}\n"
      "set output outfile\n",
      name, width, height);
}

namespace {

/// One figure in one format.
struct Drawing {
  const GnuplotFigure* figure;
  ImageFormat format;
  std::string image() const {
    return figure->name + (format == ImageFormat::png ? ".png" : ".svg");
  }
  std::string part() const { return image() + ".part"; }
};

constexpr const char* kDrawnMarker = "descent: drawn";

/// Runs one gnuplot process in `dir` that draws `drawings` in order, each into its .part file and
/// then printing kDrawnMarker. Returns how many were drawn, and gnuplot's last error line when it
/// stopped before the end (gnuplot ends at a script's first error).
std::pair<std::size_t, std::string> run_gnuplot(const fs::path& dir,
                                                std::span<const Drawing> drawings,
                                                const fs::path& gnuplot) {
  std::string driver;
  for (const Drawing& d : drawings)
    driver += fmt::format("reset session\n{}outfile = {}\nload {}\nunset output\nprint {}\n",
                          d.format == ImageFormat::png ? "png = 1\n" : "", gnuplot_quote(d.part()),
                          gnuplot_quote(d.figure->name + ".gp"), gnuplot_quote(kDrawnMarker));
  const std::string driver_name = ".draw.gnu.part", err_name = ".draw.err.part";
  write_file_atomic(dir / driver_name, driver, Durability::unsynced);
  const std::string command = "cd " + shell_quote(dir.string()) + " && " +
                              shell_quote(gnuplot.string()) + " " + driver_name + " 2>" + err_name;
  const int status = std::system(command.c_str());
  std::size_t drawn = 0;
  std::string message;
  {
    std::ifstream in(dir / err_name);
    std::string line;
    while (std::getline(in, line)) {
      if (line == kDrawnMarker)
        ++drawn;
      else if (line.find_first_not_of(" ^") != std::string::npos)
        message = line;  // the last one
    }
  }
  std::error_code ec;
  fs::remove(dir / err_name, ec);
  fs::remove(dir / driver_name, ec);
  if (drawn < drawings.size() && message.empty()) message = "exit status " + std::to_string(status);
  return {drawn, drawn < drawings.size() ? message : std::string()};
}

}  // namespace

std::vector<RenderFailure> render(const fs::path& dir, std::span<const GnuplotFigure> figures,
                                  const fs::path& gnuplot, std::span<const ImageFormat> formats) {
  std::vector<Drawing> drawings;
  for (const auto& figure : figures) {
    for (const auto& [name, contents] : figure.data)
      write_file_atomic(dir / name, contents, Durability::unsynced);
    write_file_atomic(dir / (figure.name + ".gp"), figure.script, Durability::unsynced);
    for (const ImageFormat format : formats) drawings.push_back({&figure, format});
  }
  std::vector<RenderFailure> failures;
  std::span<const Drawing> rest(drawings);
  while (!rest.empty()) {
    const auto [drawn, message] = run_gnuplot(dir, rest, gnuplot);
    for (std::size_t i = 0; i < std::min(drawn + 1, rest.size()); ++i) {
      const Drawing& d = rest[i];
      std::error_code ec;
      if (i < drawn && fs::is_regular_file(dir / d.part())) {
        fs::rename(dir / d.part(), dir / d.image(), ec);
        if (!ec) continue;
        failures.push_back(
            {d.figure->name, Error("cannot rename: " + ec.message(), (dir / d.image()).string())});
      } else {
        failures.push_back(
            {d.figure->name, Error("gnuplot failed: " + (i < drawn ? "no image" : message),
                                   (dir / (d.figure->name + ".gp")).string(),
                                   "run gnuplot on the script to see why")});
      }
      fs::remove(dir / d.part(), ec);
    }
    rest = rest.subspan(std::min(drawn + 1, rest.size()));
  }
  return failures;
}

void render(const fs::path& dir, const GnuplotFigure& figure, const fs::path& gnuplot,
            ImageFormat format) {
  const auto failures = render(dir, std::span(&figure, 1), gnuplot, std::span(&format, 1));
  if (!failures.empty()) throw failures.front().error;
}

std::size_t drawn_every(std::size_t points) {
  constexpr std::size_t kMaxDrawnPoints = 4000;
  return std::max<std::size_t>(1, (points + kMaxDrawnPoints - 1) / kMaxDrawnPoints);
}

}  // namespace descent::report
