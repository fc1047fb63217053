// report.html in a real browser: headless Chromium loads the page written by `descent train` (and
// by `descent report` for overlaid runs), its script must run without an error and draw every
// chart it announces. Skipped, saying why, when Chromium or the chart library is not installed.
#include <gtest/gtest.h>

#include <filesystem>

#include "browser.hpp"
#include "descent/report/chart_library.hpp"
#include "support/cli.hpp"

namespace {

namespace fs = std::filesystem;
using descent::test::body_attributes;
using descent::test::dump_dom;
using descent::test::run_cli;

class Browser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = descent::test::find_chromium();
    if (chromium_.empty())
      GTEST_SKIP() << "Chromium is not installed (apt-get install chromium, or scripts/deps.sh "
                      "--with-browser): report.html is not tested in a browser";
    // The test executable lives beside descent, so it finds the library as descent does.
    if (!descent::report::find_chart_library()) GTEST_SKIP() << descent::report::kChartLibraryHint;
    dir_ = descent::test::scratch_dir();
  }

  /// Loads `page`, checks that no script error happened and every announced chart was drawn;
  /// returns the number of charts.
  int expect_drawn(const fs::path& page) {
    const std::string dom = dump_dom(chromium_, page);
    EXPECT_FALSE(dom.empty()) << "Chromium failed on " << page;
    const auto body = body_attributes(dom);
    EXPECT_FALSE(body.contains("data-js-error")) << body.at("data-js-error");
    EXPECT_TRUE(body.contains("data-charts-announced")) << "the page's script did not start";
    EXPECT_TRUE(body.contains("data-charts-drawn")) << "not every chart was drawn";
    if (!body.contains("data-charts-drawn") || !body.contains("data-charts-announced")) return 0;
    EXPECT_EQ(body.at("data-charts-drawn"), body.at("data-charts-announced"));
    // A canvas per drawn chart (uPlot draws into one canvas each).
    std::size_t canvases = 0;
    for (std::size_t pos = 0; (pos = dom.find("<canvas", pos)) != std::string::npos; ++pos)
      ++canvases;
    EXPECT_EQ(canvases, static_cast<std::size_t>(std::stoi(body.at("data-charts-drawn"))));
    return std::stoi(body.at("data-charts-drawn"));
  }

  fs::path chromium_, dir_;
};

const std::string kRun =
    "train --data synthetic:blobs --samples 300 --model mlp:16 --epochs 6 --val-split 0.2 "
    "--test-split 0.2 --progress none ";

TEST_F(Browser, TrainReportDrawsEveryEpochAndStepChart) {
  const auto r = run_cli(kRun + "--log-steps --out " + (dir_ / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir_ / "run" / "report.html"));
  // Per epoch: loss, accuracy, lr, skipped_steps, grad_norm, update_ratio; per step: loss, lr,
  // grad_norm, update_ratio.
  EXPECT_EQ(expect_drawn(dir_ / "run" / "report.html"), 10);
}

TEST_F(Browser, OverlaidRunsDrawWithoutError) {
  for (const char* bs : {"8", "32"})
    ASSERT_EQ(run_cli(kRun + "--batch-size " + bs + " --out " + (dir_ / bs).string()).code, 0);
  const auto r = run_cli("report " + (dir_ / "8").string() + " " + (dir_ / "32").string() +
                         " --out " + (dir_ / "compare.html").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GE(expect_drawn(dir_ / "compare.html"), 3);
}

TEST_F(Browser, AScriptErrorIsCaught) {
  // The check itself: a page whose script throws must be reported as such.
  const auto page = dir_ / "broken.html";
  const auto r = run_cli(kRun + "--out " + (dir_ / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  std::string html = descent::read_file(dir_ / "run" / "report.html");
  const auto at = html.find("<script type=\"application/json\" id=\"descent-data\">");
  ASSERT_NE(at, std::string::npos);
  html.insert(at, "<script>undefinedFunctionOfTheTest();</script>");
  descent::write_file_atomic(page, html);
  const auto body = body_attributes(dump_dom(chromium_, page));
  ASSERT_TRUE(body.contains("data-js-error"));
  EXPECT_NE(body.at("data-js-error").find("undefinedFunctionOfTheTest"), std::string::npos);
}

}  // namespace
