#pragma once
// Static figures drawn by gnuplot (Debian gnuplot-nox). A figure is a gnuplot script and its data
// files; both stay beside the SVG (plots/NAME.gp, plots/NAME*.dat) so a user can restyle the plot
// and redraw it with `gnuplot NAME.gp`. The script writes to `outfile` when that is set (descent
// sets it to a temporary name and renames the finished SVG, so no half-written plot is left).
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "descent/core/error.hpp"

namespace descent::report {

struct GnuplotFigure {
  std::string name;    // file stem: NAME.gp, NAME.svg
  std::string script;  // reads its data files by their names, relative to its folder
  std::vector<std::pair<std::string, std::string>> data;  // file name -> contents
};

/// The gnuplot executable: $DESCENT_GNUPLOT, else `gnuplot` on PATH; empty when there is none.
std::filesystem::path find_gnuplot();

/// The line telling how to get plots when gnuplot is missing.
inline constexpr const char* kGnuplotHint =
    "no plots: gnuplot is not installed (apt-get install gnuplot-nox, or scripts/deps.sh)";

enum class ImageFormat { svg, png };

/// The lines of a figure's script that choose its output: NAME.svg, or with the gnuplot variable
/// `png` set (`gnuplot -e png=1 NAME.gp`) NAME.png (pngcairo); `outfile` overrides the file name.
std::string gnuplot_output(const std::string& name, int width, int height);

/// A figure gnuplot could not draw, with gnuplot's last error line.
struct RenderFailure {
  std::string figure;
  Error error;
};

/// Writes each figure's script and data into `dir` (atomically) and draws every figure in every
/// format in one gnuplot process (its start-up, about 70 ms, is paid once, not per figure),
/// leaving dir/NAME.svg (or NAME.png). A figure that fails leaves no image and is returned; the
/// figures after it are still drawn (in a new process).
std::vector<RenderFailure> render(const std::filesystem::path& dir,
                                  std::span<const GnuplotFigure> figures,
                                  const std::filesystem::path& gnuplot,
                                  std::span<const ImageFormat> formats);

/// One figure in one format; throws descent::Error with gnuplot's last error line when it fails.
void render(const std::filesystem::path& dir, const GnuplotFigure& figure,
            const std::filesystem::path& gnuplot, ImageFormat format = ImageFormat::svg);

/// The k of gnuplot's `every k` that draws at most 4000 of a curve's `points` (its .dat file keeps
/// every value): 1 for a short curve.
std::size_t drawn_every(std::size_t points);

/// "a'b" -> "'a'\''b'" for /bin/sh; `"x"` in gnuplot strings: backslashes and quotes escaped.
std::string shell_quote(const std::string& s);
std::string gnuplot_quote(const std::string& s);

}  // namespace descent::report
