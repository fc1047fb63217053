// Figures drawn together in one gnuplot process: each figure's image is the one a gnuplot run of
// its own script draws (PNG byte for byte, SVG but for an invisible attribute), and a figure whose
// script fails leaves no image and no .part file while the figures after it are still drawn.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include "descent/core/atomic_file.hpp"
#include "descent/report/gnuplot.hpp"
#include "support/cli.hpp"

namespace {

namespace fs = std::filesystem;
using descent::report::GnuplotFigure;
using descent::report::ImageFormat;

/// The image without the stroke colour of the background's empty groups (<g color="#FFFFFF"
/// stroke="...">): gnuplot's svg terminal carries its last stroke colour from one plot to the next
/// in one process, where a fresh process writes "currentColor"; nothing drawn depends on it.
std::string without_background_stroke(std::string image) {
  static const std::regex background(R"((<g fill="none" color="#FFFFFF") stroke="[^"]*")");
  return std::regex_replace(image, background, "$1");
}

GnuplotFigure line_figure(const std::string& name, double slope) {
  return {name,
          descent::report::gnuplot_output(name, 320, 240) + "plot '" + name +
              ".dat' using 1:2 with lines title 'line'\n",
          {{name + ".dat",
            "0 0\n1 " + std::to_string(slope) + "\n2 " + std::to_string(2 * slope) + "\n"}}};
}

TEST(Gnuplot, FiguresDrawnTogetherEqualEachDrawnAlone) {
  const auto gnuplot = descent::report::find_gnuplot();
  if (gnuplot.empty()) GTEST_SKIP() << "gnuplot is not installed: figures are not drawn";
  const fs::path dir = descent::test::scratch_dir();
  const std::vector<GnuplotFigure> figures{line_figure("a", 1), line_figure("b", -2),
                                           line_figure("c", 3)};
  const std::vector<ImageFormat> formats{ImageFormat::svg, ImageFormat::png};
  EXPECT_TRUE(descent::report::render(dir, figures, gnuplot, formats).empty());
  for (const auto& figure : figures) {
    for (const std::string ext : {".svg", ".png"}) {
      const fs::path image = dir / (figure.name + ext);
      ASSERT_TRUE(fs::is_regular_file(image)) << image;
      // The same script run alone by gnuplot, as a user redraws it.
      const std::string alone = figure.name + "_alone" + ext;
      const std::string command = "cd " + descent::report::shell_quote(dir.string()) + " && " +
                                  gnuplot.string() + " -e '" + (ext == ".png" ? "png=1; " : "") +
                                  "outfile=\"" + alone + "\"' " + figure.name + ".gp";
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
      EXPECT_EQ(without_background_stroke(descent::read_file(image)),
                without_background_stroke(descent::read_file(dir / alone)))
          << image;
    }
  }
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_NE(entry.path().extension(), ".part") << "left behind: " << entry.path();
}

TEST(Gnuplot, AFailingFigureLeavesNoImageAndTheNextAreStillDrawn) {
  const auto gnuplot = descent::report::find_gnuplot();
  if (gnuplot.empty()) GTEST_SKIP() << "gnuplot is not installed: figures are not drawn";
  const fs::path dir = descent::test::scratch_dir();
  GnuplotFigure broken = line_figure("broken", 1);
  broken.script += "plot 'missing.dat' using 1:2\n";  // gnuplot stops: the file does not exist
  const std::vector<GnuplotFigure> figures{line_figure("first", 1), broken, line_figure("last", 2)};
  const ImageFormat svg = ImageFormat::svg;
  const auto failures = descent::report::render(dir, figures, gnuplot, std::span(&svg, 1));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].figure, "broken");
  // gnuplot's last error line, which names the script and line.
  EXPECT_NE(std::string(failures[0].error.what()).find("\"broken.gp\" line"), std::string::npos)
      << failures[0].error.what();
  EXPECT_TRUE(fs::is_regular_file(dir / "first.svg"));
  EXPECT_FALSE(fs::exists(dir / "broken.svg"));
  EXPECT_TRUE(fs::is_regular_file(dir / "last.svg"));
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_NE(entry.path().extension(), ".part") << "left behind: " << entry.path();
  EXPECT_THROW(descent::report::render(dir, broken, gnuplot), descent::Error);
}

}  // namespace
