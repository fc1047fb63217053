#include "descent/report/gnuplot.hpp"

#include <sys/wait.h>

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

void render(const fs::path& dir, const GnuplotFigure& figure, const fs::path& gnuplot,
            ImageFormat format) {
  for (const auto& [name, contents] : figure.data)
    write_file_atomic(dir / name, contents, Durability::unsynced);
  write_file_atomic(dir / (figure.name + ".gp"), figure.script, Durability::unsynced);
  const std::string ext = format == ImageFormat::png ? ".png" : ".svg";
  const fs::path svg = dir / (figure.name + ext);
  const fs::path part = dir / (figure.name + ext + ".part");
  const fs::path err = dir / (figure.name + ".err.part");
  const std::string command =
      "cd " + shell_quote(dir.string()) + " && " + shell_quote(gnuplot.string()) + " -e " +
      shell_quote(std::string(format == ImageFormat::png ? "png=1; " : "") +
                  "outfile=" + gnuplot_quote(part.filename().string())) +
      " " + shell_quote(figure.name + ".gp") + " 2>" + shell_quote(err.filename().string());
  const int status = std::system(command.c_str());
  std::string message;
  {
    std::ifstream in(err);
    std::string line;
    while (std::getline(in, line))
      if (line.find_first_not_of(" ^") != std::string::npos) message = line;  // the last one
  }
  std::error_code ec;
  fs::remove(err, ec);
  if (status != 0 || !fs::is_regular_file(part)) {
    fs::remove(part, ec);
    throw Error(
        "gnuplot failed: " + (message.empty() ? "exit status " + std::to_string(status) : message),
        (dir / (figure.name + ".gp")).string(), "run gnuplot on the script to see why");
  }
  fs::rename(part, svg, ec);
  if (ec) throw Error("cannot rename: " + ec.message(), svg.string());
}

std::size_t drawn_every(std::size_t points) {
  constexpr std::size_t kMaxDrawnPoints = 4000;
  return std::max<std::size_t>(1, (points + kMaxDrawnPoints - 1) / kMaxDrawnPoints);
}

}  // namespace descent::report
