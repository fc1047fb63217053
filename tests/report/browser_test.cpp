// report.html in a real browser: headless Chromium loads the page written by `descent train` (and
// by `descent report` for overlaid runs, and the pages of `descent lr-find` and `descent trace`),
// its script must run without an error and draw every chart it announces. Skipped, saying why, when
// Chromium or the chart library is not installed.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "browser.hpp"
#include "descent/report/chart_library.hpp"
#include "descent/report/chart_page.hpp"
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

const std::string kBrowserRun =
    "train --data synthetic:blobs --samples 300 --model mlp:16 --epochs 6 --val-split 0.2 "
    "--test-split 0.2 --progress none ";

TEST_F(Browser, TrainReportDrawsEveryEpochAndStepChart) {
  const auto r = run_cli(kBrowserRun + "--log-steps --out " + (dir_ / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir_ / "run" / "report.html"));
  // Per epoch: loss, accuracy, lr, skipped_steps, grad_norm, update_ratio, dead_relu; per step:
  // loss, lr, grad_norm, update_ratio.
  EXPECT_EQ(expect_drawn(dir_ / "run" / "report.html"), 11);
}

// 2/lambda_max is drawn on the lr's chart (per epoch and per step); lambda_max has its own.
TEST_F(Browser, SharpnessIsDrawnBesideTheLr) {
  const auto r =
      run_cli(kBrowserRun + "--log-steps --sharpness-every 4 --out " + (dir_ / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(expect_drawn(dir_ / "run" / "report.html"), 13);
}

TEST_F(Browser, RegressionReportDrawsPredictedVsActual) {
  const auto r = run_cli(
      "train --data synthetic:linear --samples 300 --model linear --epochs 4 --test-split 0.2 "
      "--progress none --out " +
      (dir_ / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path page = dir_ / "run" / "report.html";
  // Per epoch: loss, mse, mae, r2, lr, skipped_steps, grad_norm, update_ratio; and the scatter.
  EXPECT_GE(expect_drawn(page), 2);
  EXPECT_NE(dump_dom(chromium_, page).find("data-chart=\"predicted-vs-actual\""),
            std::string::npos);
}

TEST_F(Browser, OverlaidRunsDrawWithoutError) {
  for (const char* bs : {"8", "32"})
    ASSERT_EQ(run_cli(kBrowserRun + "--batch-size " + bs + " --out " + (dir_ / bs).string()).code,
              0);
  const auto r = run_cli("report " + (dir_ / "8").string() + " " + (dir_ / "32").string() +
                         " --out " + (dir_ / "compare.html").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GE(expect_drawn(dir_ / "compare.html"), 3);
}

TEST_F(Browser, LrFindReportDrawsTheCurveWithItsSuggestions) {
  const auto r = run_cli(
      "lr-find --data synthetic:blobs --samples 400 --model mlp:8 --optimizer sgd --steps 80 "
      "--csv " +
      (dir_ / "lr.csv").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path page = dir_ / "lr.html";
  EXPECT_EQ(expect_drawn(page), 1);
  EXPECT_NE(dump_dom(chromium_, page).find("data-chart=\"lr-find\""), std::string::npos);
}

TEST_F(Browser, TraceReportDrawsThePathsAndPerStepCharts) {
  const auto r = run_cli(
      "trace --function rosenbrock --x0=-1.5,2 --steps 400 --summary --optimizer "
      "'{\"name\":\"adam\",\"lr\":0.02}' --optimizer '{\"name\":\"sgd\",\"lr\":0.001}' "
      "--report " +
      (dir_ / "trace.html").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const fs::path page = dir_ / "trace.html";
  // The paths over the heat map; f - f_min, gradient norm and distance to the minimum per step.
  EXPECT_EQ(expect_drawn(page), 4);
  const std::string dom = dump_dom(chromium_, page);
  for (const char* id : {"paths", "f", "grad_norm", "distance"})
    EXPECT_NE(dom.find("data-chart=\"" + std::string(id) + "\""), std::string::npos) << id;
  // Every legend entry of the paths chart shows its marker: the minimum its cross.
  const auto minimum = dom.find("<div class=\"u-label\">minimum</div>");
  ASSERT_NE(minimum, std::string::npos);
  const auto marker = dom.rfind("<div class=\"u-marker\"", minimum);
  ASSERT_NE(marker, std::string::npos);
  EXPECT_NE(dom.substr(marker, minimum - marker).find("<svg"), std::string::npos)
      << dom.substr(marker, minimum - marker);
}

TEST_F(Browser, AScriptErrorIsCaught) {
  // The check itself: a page whose script throws must be reported as such.
  const auto page = dir_ / "broken.html";
  const auto r = run_cli(kBrowserRun + "--out " + (dir_ / "run").string());
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

namespace {

TEST_F(Browser, LongRunsAreEmbeddedInBinaryAndDecodeToTheExactValues) {
  // 5000 logged steps: steps.csv's columns are embedded as base64 doubles, a sequence (the step
  // numbers) and constants, after the page's script; before it a preview of the rows to draw.
  const auto r = run_cli(
      "train --data synthetic:linear --samples 5000 --val-split 0 --model linear --batch-size 1 "
      "--epochs 1 --optimizer '{\"name\":\"sgd\",\"lr\":0.001}' --log-steps --progress none "
      "--out " +
      (dir_ / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  std::string html = descent::read_file(dir_ / "run" / "report.html");
  ASSERT_NE(html.find("{\"f64\":[\"d"), std::string::npos);
  ASSERT_NE(html.find("\"preview\":{\"rows\":{\"i32\":[\"b"), std::string::npos);
  ASSERT_NE(html.find("{\"seq\":[1,1],\"n\":5000}"), std::string::npos);
  // The sum of the loss column and of the step column, in row order, in C++ from steps.csv...
  std::istringstream csv(descent::read_file(dir_ / "run" / "steps.csv"));
  std::string line;
  std::getline(csv, line);
  ASSERT_EQ(line, "epoch,step,loss,lr,grad_norm,update_ratio");
  double loss_sum = 0, step_sum = 0;
  std::size_t rows = 0;
  while (std::getline(csv, line)) {
    const auto a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
    step_sum += std::stod(line.substr(a + 1, b - a - 1));
    loss_sum += std::stod(line.substr(b + 1, c - b - 1));
    ++rows;
  }
  ASSERT_EQ(rows, 5000u);
  // ... and in the page from the decoded data, once the exact rows replaced the preview; the
  // preview holds the exact values at its rows and the values smoothed as the page smooths them
  // (the per-step section's start weight; NaN where a value is missing).
  const std::string check =
      "<script>document.addEventListener('descent-exact', function () {"
      " var t = window.descentRuns[0].steps, loss = t.columns[t.names.indexOf('loss')],"
      " step = t.columns[t.names.indexOf('step')], a = 0, b = 0, p = t.preview, wrong = 0;"
      " for (var i = 0; i < loss.length; i++) { a += loss[i]; b += step[i]; }"
      " function same(u, v) { return u === v || (u !== u && v !== v); }"
      " t.columns.forEach(function (c, j) {"
      "  var sm = p.smoothed[j] && window.descentSmooth(c, window.descentPage.step_smoothing);"
      "  for (var i = 0; i < p.rows.length; i++)"
      "   if (!same(p.columns[j][i], c[p.rows[i]]) || (sm && !same(p.smoothed[j][i], "
      "sm[p.rows[i]])))"
      "    wrong++; });"
      " document.body.setAttribute('data-check', loss.length + ' ' + a + ' ' + b + ' ' +"
      "  p.rows.length + ' ' + wrong); });</script>";
  html.insert(html.rfind("</body>"), check);
  const auto page = dir_ / "check.html";
  descent::write_file_atomic(page, html);
  const auto body = body_attributes(dump_dom(chromium_, page));
  ASSERT_TRUE(body.contains("data-check")) << "the check script did not run";
  std::istringstream got(body.at("data-check"));
  std::size_t n = 0, preview_rows = 0, wrong = 1;
  std::string a, b;
  got >> n >> a >> b >> preview_rows >> wrong;
  EXPECT_EQ(n, rows);
  EXPECT_EQ(std::stod(a), loss_sum) << a;  // every double decoded exactly
  EXPECT_EQ(std::stod(b), step_sum) << b;
  EXPECT_GT(preview_rows, 1024u);  // at least a row per bucket
  EXPECT_LT(preview_rows, rows);
  EXPECT_EQ(wrong, 0u) << "preview values differing from the exact ones";
  EXPECT_TRUE(body.contains("data-exact-ms"));
  EXPECT_FALSE(body.contains("data-js-error"));
  EXPECT_EQ(body.at("data-charts-drawn"), body.at("data-charts-announced"));
}

// Every form of a long column (const, seq, i32, f64; report/html_page.hpp) decodes to the exact
// values in the page.
TEST_F(Browser, EveryLongColumnFormDecodesExactly) {
  const std::size_t n = 5000;
  std::vector<double> constant(n, 0.25), seq(n), ints(n), doubles(n);
  double seq_sum = 0, int_sum = 0, double_sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    seq[i] = 3 + 7.0 * static_cast<double>(i);
    ints[i] = static_cast<double>((i * i) % 1009) - 500;
    doubles[i] = std::sin(static_cast<double>(i)) / 3;
    seq_sum += seq[i], int_sum += ints[i], double_sum += doubles[i];
  }
  descent::report::ChartPage page;
  page.body.title = "columns";
  page.charts.push_back({"c",
                         "columns",
                         "x",
                         seq,
                         {{"const", constant}, {"i32", ints}, {"f64", doubles}},
                         false,
                         false,
                         {}});
  const auto library = descent::report::find_chart_library();
  std::string html = descent::report::chart_page_html(page, library);
  for (const char* form : {"{\"seq\":[3,7]", "{\"const\":0.25", "{\"i32\":[\"b", "{\"f64\":[\"b"})
    ASSERT_NE(html.find(form), std::string::npos) << form;
  const std::string check =
      "<script>(function () { var c = window.descentPage.charts[0], s = [0, 0, 0, 0];"
      " for (var i = 0; i < c.x.length; i++) { s[0] += c.x[i];"
      " for (var k = 0; k < 3; k++) s[k + 1] += c.series[k].y[i]; }"
      " document.body.setAttribute('data-check', c.x.length + ' ' + s.join(' ')); })();</script>";
  html.insert(html.rfind("</body>"), check);
  const auto file = dir_ / "columns.html";
  descent::write_file_atomic(file, html);
  const auto body = body_attributes(dump_dom(chromium_, file));
  ASSERT_TRUE(body.contains("data-check")) << "the check script did not run";
  std::istringstream got(body.at("data-check"));
  std::size_t rows = 0;
  std::string a, b, c, d;
  got >> rows >> a >> b >> c >> d;
  EXPECT_EQ(rows, n);
  // The same sums in the same order: every value decoded exactly.
  EXPECT_EQ(std::stod(a), seq_sum) << a;
  EXPECT_EQ(std::stod(b), 0.25 * n) << b;
  EXPECT_EQ(std::stod(c), int_sum) << c;
  EXPECT_EQ(std::stod(d), double_sum) << d;
  EXPECT_FALSE(body.contains("data-js-error"));
  EXPECT_EQ(body.at("data-charts-drawn"), "1");
}

}  // namespace
