// The report pages of `descent lr-find` and `descent trace`: written beside their CSV (or where
// --report says), atomically, carrying exactly the curve the CSV holds, the suggestions / paths,
// and falling back to the static plots without the chart library.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "descent/report/chart_page.hpp"
#include "support/cli.hpp"

namespace {

namespace fs = std::filesystem;
using descent::read_file;
using descent::test::run_cli;
using Json = nlohmann::json;

/// The JSON a report page embeds (short columns are plain arrays).
Json page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"descent-data\">";
  const auto start = html.find(open);
  if (start == std::string::npos) return Json();
  const auto end = html.find("</script>", start);
  return Json::parse(html.substr(start + open.size(), end - start - open.size()));
}

/// The columns of a CSV file by name.
std::map<std::string, std::vector<double>> csv_columns(const std::string& text) {
  std::istringstream in(text);
  std::string line, cell;
  std::getline(in, line);
  std::vector<std::string> names;
  for (std::istringstream header(line); std::getline(header, cell, ',');) names.push_back(cell);
  std::map<std::string, std::vector<double>> out;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    for (std::size_t j = 0; std::getline(row, cell, ','); ++j)
      out[names.at(j)].push_back(cell == "nan" ? NAN : std::stod(cell));
  }
  return out;
}

/// A long column embedded in binary ({"f64": [block ids]}): the blocks' base64 decoded.
std::vector<double> binary_column(const std::string& html, const Json& column) {
  std::string bytes;
  for (const auto& id : column.at("f64")) {
    const std::string open = "<script type=\"text/plain\" id=\"" + id.get<std::string>() + "\">";
    const auto start = html.find(open) + open.size();
    const std::string text = html.substr(start, html.find("</script>", start) - start);
    for (std::size_t i = 0; i + 3 < text.size(); i += 4) {
      unsigned v = 0;
      int pad = 0;
      for (int k = 0; k < 4; ++k) {
        const char c = text[i + k];
        const auto at =
            std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                .find(c);
        pad += c == '=';
        v = v << 6 | (c == '=' ? 0u : static_cast<unsigned>(at));
      }
      for (int k = 0; k < 3 - pad; ++k) bytes += static_cast<char>((v >> (16 - 8 * k)) & 255);
    }
  }
  std::vector<double> out(bytes.size() / 8);
  std::memcpy(out.data(), bytes.data(), out.size() * 8);
  return out;
}

std::vector<double> numbers(const Json& array) {
  std::vector<double> out;
  for (const auto& v : array) out.push_back(v.is_null() ? NAN : v.get<double>());
  return out;
}

const std::string kLrFind =
    "lr-find --data synthetic:blobs --samples 400 --model mlp:8 --optimizer sgd --steps 80 "
    "--smoothing 0.9 --start-lr 1e-5 --end-lr 10 ";

TEST(CliChartPages, LrFindWritesItsReportBesideTheCsv) {
  const auto dir = descent::test::scratch_dir();
  const auto r = run_cli(kLrFind + "--csv " + (dir / "sweep.csv").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path page = dir / "sweep.html";
  ASSERT_TRUE(fs::is_regular_file(page)) << r.out;
  EXPECT_NE(r.out.find("report: " + page.string()), std::string::npos) << r.out;
  const std::string html = read_file(page);
  const Json data = page_data(html);
  ASSERT_TRUE(data.is_object()) << "no embedded data: is the chart library installed?";
  ASSERT_EQ(data["charts"].size(), 1u);
  const Json& chart = data["charts"][0];
  EXPECT_EQ(chart["id"], "lr-find");
  EXPECT_TRUE(chart["log_x"].get<bool>());
  // The curve is the CSV's, value for value.
  auto csv = csv_columns(read_file(dir / "sweep.csv"));
  EXPECT_EQ(numbers(chart["x"]), csv["lr"]);
  ASSERT_EQ(chart["series"].size(), 2u);
  EXPECT_EQ(numbers(chart["series"][0]["y"]), csv["loss"]);
  EXPECT_EQ(numbers(chart["series"][1]["y"]), csv["smoothed"]);
  // The suggestions are marked at lrs of the sweep, the valley being the one printed.
  ASSERT_EQ(chart["markers"].size(), 3u);
  const auto& lrs = csv["lr"];
  for (const auto& m : chart["markers"]) {
    const double x = m["x"].get<double>();
    if (m["label"].get<std::string>().rfind("min/10", 0) != 0) {
      EXPECT_NE(std::find(lrs.begin(), lrs.end(), x), lrs.end()) << m.dump();
    }
  }
  const std::string valley = chart["markers"][0]["label"];
  EXPECT_EQ(valley.rfind("valley ", 0), 0u) << valley;
  EXPECT_NE(r.out.find("suggested lr: " + valley.substr(7)), std::string::npos) << r.out;
  // The header says what was swept.
  for (const char* text : {"mlp:8", "synthetic:blobs", "80 steps", "valley (suggested)"})
    EXPECT_NE(html.find(text), std::string::npos) << text;
}

TEST(CliChartPages, LrFindReportOptionAndBadName) {
  const auto dir = descent::test::scratch_dir();
  const auto r = run_cli(kLrFind + "--csv " + (dir / "a.csv").string() + " --report " +
                         (dir / "lr.html").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "lr.html"));
  EXPECT_FALSE(fs::exists(dir / "a.html"));
  const auto bad = run_cli(kLrFind + "--csv " + (dir / "b.csv").string() + " --report " +
                           (dir / "lr.txt").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_FALSE(fs::exists(dir / "lr.txt"));
  EXPECT_FALSE(fs::exists(dir / "b.csv"));
}

const std::string kTrace =
    "trace --function rosenbrock --x0=-1.5,2 --steps 300 --summary "
    "--optimizer '{\"name\":\"adam\",\"lr\":0.02}' --optimizer '{\"name\":\"sgd\",\"lr\":0.001}' ";

TEST(CliChartPages, TraceReportCarriesThePathsAndPerStepValues) {
  const auto dir = descent::test::scratch_dir();
  const auto r = run_cli(kTrace + "--report " + (dir / "trace.html").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = read_file(dir / "trace.html");
  const Json data = page_data(html);
  ASSERT_TRUE(data.is_object()) << "no embedded data: is the chart library installed?";
  // The same paths as the CSV of each optimizer alone.
  ASSERT_EQ(data["paths"].size(), 1u);
  const Json& paths = data["paths"][0];
  ASSERT_EQ(paths["paths"].size(), 2u);
  const char* specs[] = {R"('{"name":"adam","lr":0.02}')", R"('{"name":"sgd","lr":0.001}')"};
  for (int k = 0; k < 2; ++k) {
    const auto csv_file = dir / ("path" + std::to_string(k) + ".csv");
    ASSERT_EQ(run_cli("trace --function rosenbrock --x0=-1.5,2 --steps 300 --optimizer " +
                      std::string(specs[k]) + " --csv " + csv_file.string())
                  .code,
              0);
    auto csv = csv_columns(read_file(csv_file));
    EXPECT_EQ(numbers(paths["paths"][k]["x"]), csv["x0"]) << k;
    EXPECT_EQ(numbers(paths["paths"][k]["y"]), csv["x1"]) << k;
    // Per step: f - f_min (rosenbrock's f_min is 0: f itself) and the gradient norm.
    ASSERT_GE(data["charts"].size(), 3u);
    EXPECT_EQ(data["charts"][0]["id"], "f");
    EXPECT_EQ(numbers(data["charts"][0]["series"][k]["y"]), csv["f"]) << k;
    EXPECT_EQ(data["charts"][1]["id"], "grad_norm");
    EXPECT_EQ(numbers(data["charts"][1]["series"][k]["y"]), csv["grad_norm"]) << k;
    // A CSV alone (for machines) comes without a page.
    EXPECT_FALSE(fs::exists(fs::path(csv_file).replace_extension(".html")));
  }
  // The distance to rosenbrock's minimum (1, 1), from the path.
  EXPECT_EQ(data["charts"][2]["id"], "distance");
  const auto x = numbers(paths["paths"][0]["x"]), y = numbers(paths["paths"][0]["y"]);
  const auto d = numbers(data["charts"][2]["series"][0]["y"]);
  ASSERT_EQ(d.size(), x.size());
  for (std::size_t i = 0; i < d.size(); i += 50)
    EXPECT_DOUBLE_EQ(d[i], std::hypot(x[i] - 1, y[i] - 1)) << i;
  // The heat map: n x n positive values over a region holding the start and the minimum.
  const Json& heat = paths["heat"];
  const auto n = heat["n"].get<std::size_t>();
  const auto z = binary_column(html, heat["z"]);
  ASSERT_EQ(z.size(), n * n);
  EXPECT_TRUE(std::all_of(z.begin(), z.end(), [](double v) { return v > 0; }));
  EXPECT_LT(heat["x0"].get<double>(), -1.5);
  EXPECT_GT(heat["x1"].get<double>(), 1.0);
  EXPECT_EQ(numbers(paths["minima"][0]), (std::vector<double>{1, 1}));
  // The header: the summary table's final values, as --summary printed them.
  for (const char* text : {"rosenbrock", "distance to nearest minimum", "300 steps"})
    EXPECT_NE(html.find(text), std::string::npos) << text;
}

TEST(CliChartPages, TraceWritesItsPageBesideThePlotAndADivergedTraceStillReports) {
  const auto dir = descent::test::scratch_dir();
  const auto plain = run_cli("trace --function rosenbrock --steps 3 --optimizer sgd");
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(plain.out.find(".html"), std::string::npos) << plain.out;
  const auto plotted = run_cli("trace --function booth --steps 30 --optimizer adam --plot " +
                               (dir / "booth.svg").string());
  ASSERT_EQ(plotted.code, 0) << plotted.err;
  EXPECT_TRUE(fs::exists(dir / "booth.html")) << plotted.out;
  const auto page = dir / "diverged.html";
  const auto r = run_cli(
      "trace --function quadratic --steps 2000 --optimizer '{\"name\":\"sgd\",\"lr\":1.5}' "
      "--csv " +
      (dir / "diverged.csv").string() + " --report " + page.string());
  EXPECT_EQ(r.code, 1) << r.out;
  ASSERT_TRUE(fs::exists(page));
  const std::string html = read_file(page);
  EXPECT_NE(html.find("class=\"warnings\""), std::string::npos);
  EXPECT_NE(html.find("diverged"), std::string::npos);
  // A 1-D function: no path chart, the per-step charts only.
  const Json data = page_data(html);
  ASSERT_TRUE(data.is_object());
  EXPECT_TRUE(data["paths"].empty());
  EXPECT_FALSE(data["charts"].empty());
}

TEST(ChartPage, WithoutTheChartLibraryItShowsTheStaticPlotsAndSaysHow) {
  const auto dir = descent::test::scratch_dir();
  descent::write_file_atomic(dir / "curve.svg", "<?xml version=\"1.0\"?>\n<svg id=\"the-plot\"/>");
  descent::report::ChartPage page;
  page.body.title = "a page";
  page.body.header = "<h1>the header</h1>";
  // The first bytes of a PNG (descent trace --plot FILE.png): an image with the file's data.
  descent::write_file_atomic(dir / "paths.png", std::string("\x89PNG\r\n\x1a\n", 8));
  page.body.fallback = descent::report::static_figures({dir / "curve.svg", dir / "paths.png"});
  page.charts.push_back({"c", "a chart", "x", {1, 2, 3}, {{"y", {1, 4, 9}}}, false, false, {}});
  const std::string html = descent::report::chart_page_html(page, std::nullopt);
  EXPECT_NE(html.find("<h1>the header</h1>"), std::string::npos);
  EXPECT_NE(html.find("<svg id=\"the-plot\"/>"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  EXPECT_NE(html.find("<img alt=\"paths.png\" src=\"data:image/png;base64,iVBORw0KGgo=\">"),
            std::string::npos);
  EXPECT_NE(html.find("Static plots only"), std::string::npos);
  EXPECT_EQ(html.find("descent-data"), std::string::npos);
  // With a library: the data and no fallback.
  const std::string live = descent::report::chart_page_html(page, descent::report::ChartLibrary{});
  EXPECT_EQ(page_data(live)["charts"][0]["series"][0]["y"], Json::parse("[1,4,9]"));
  EXPECT_EQ(live.find("the-plot"), std::string::npos);
}

}  // namespace
