// read_csv parses a file in rounds of pieces on several threads (src/data/csv_blocks.hpp): the
// dataset and the first error must be those of reading the rows one after the other, whatever the
// thread count and wherever the pieces are cut. The files here are large enough (~9 MB) to make
// several rounds of several pieces.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/temp_dir.hpp"
#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/data/csv_reader.hpp"

namespace descent::data {
namespace {

using test::TempDir;

constexpr int kRows = 120000;

/// Sets the thread count for a scope.
class Threads {
 public:
  explicit Threads(int n) : previous_(num_threads()) { set_num_threads(n); }
  ~Threads() { set_num_threads(previous_); }

 private:
  int previous_;
};

/// A file with every feature of the format: BOM, CRLF and LF lines, empty lines, quoted numbers,
/// a quoted ignored text spanning lines, and text labels first seen far into the file. The
/// expected features and class names are recorded as it is written.
struct MixedFile {
  std::string text =
      "\xEF\xBB\xBF"
      "a,note,b,label,c\n";
  std::vector<float> x;  // kRows x 3
  std::vector<std::string> labels;

  MixedFile() {
    for (int r = 0; r < kRows; ++r) {
      const float a = static_cast<float>(r) * 0.37f - 1000.0f;
      const float b = 1.0f / static_cast<float>(r + 3);
      const float c = static_cast<float>(r % 97) * 1e-3f;
      x.insert(x.end(), {a, b, c});
      // A new label every 10000 rows: the later ones are first seen in later pieces.
      labels.push_back(fmt::format("class{}", (r / 10000 * 7 + r) % (r / 10000 + 1)));
      const std::string note = r % 1000 == 0 ? "\"two\nlines, \"\"quoted\"\"\"" : "n";
      fmt::format_to(std::back_inserter(text), "{},{},{}{}{},{},{}{}", a, note,
                     r % 3 == 0 ? "\"" : "", b, r % 3 == 0 ? "\"" : "", labels.back(), c,
                     r % 2 == 0 ? "\r\n" : "\n");
      if (r % 5000 == 0) text += "\n";
    }
  }
};

TEST(CsvParallel, ThreadCountsAndPiecesGiveTheRowByRowDataset) {
  const MixedFile file;
  TempDir dir;
  const auto path = dir.write("mixed.csv", file.text);
  for (int threads : {1, 2, 3}) {
    Threads scope(threads);
    const Dataset d = read_csv(path, {.target = "label", .ignore = {"note"}});
    d.validate();
    ASSERT_EQ(d.rows(), static_cast<std::size_t>(kRows)) << threads;
    ASSERT_EQ(d.features(), 3u);
    EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(std::equal(file.x.begin(), file.x.end(), d.x.data())) << threads;
    ASSERT_EQ(d.task, Task::classification);
    for (int r = 0; r < kRows; ++r) {
      ASSERT_EQ(d.class_names[static_cast<std::size_t>(d.labels[r])], file.labels[r])
          << "row " << r << ", " << threads << " threads";
    }
  }
}

/// The numeric file "a,b,y" with `rows` rows (the line of row r is r + 2).
std::string numeric_rows(int rows) {
  std::string text = "a,b,y\n";
  for (int r = 0; r < rows; ++r) fmt::format_to(std::back_inserter(text), "{},0.5,{}\n", r, r % 4);
  return text;
}

/// Replaces the text of line `line` (1-based) of `text` by `replacement`.
std::string with_line(std::string text, int line, const std::string& replacement) {
  std::size_t begin = 0;
  for (int l = 1; l < line; ++l) begin = text.find('\n', begin) + 1;
  return text.replace(begin, text.find('\n', begin) - begin, replacement);
}

DataError read_error(const std::string& text, const CsvOptions& options, int threads) {
  Threads scope(threads);
  TempDir dir;
  try {
    read_csv(dir.write("bad.csv", text), options);
  } catch (const DataError& e) {
    return e;
  }
  ADD_FAILURE() << "no DataError with " << threads << " threads";
  return DataError("none");
}

TEST(CsvParallel, TheFirstBadCellInTheFileIsReported) {
  // Bad cells near the end and in the middle: the middle one is reported, with its line.
  const std::string text =
      with_line(with_line(numeric_rows(800000), 790000, "1,2,3,4"), 500001, "1,x7,2");
  for (int threads : {1, 2}) {
    const DataError e = read_error(text, {.target = "y"}, threads);
    EXPECT_NE(e.reason().find("cannot read 'x7'"), std::string::npos) << e.what();
    EXPECT_NE(e.where().find("bad.csv:500001:3"), std::string::npos) << e.what();
  }
}

TEST(CsvParallel, LabelsBeyondTheLimitAreFoundWhereTheyOccur) {
  // The labels 0-3 and a text label far into the file make 5 classes; a sixth one is too many.
  const std::string text =
      with_line(with_line(numeric_rows(800000), 600000, "0,0.5,p"), 700000, "0,0.5,q");
  for (int threads : {1, 2}) {
    const DataError e = read_error(text, {.target = "y", .max_classes = 5}, threads);
    EXPECT_NE(e.reason().find("more than 5 distinct"), std::string::npos) << e.what();
    EXPECT_NE(e.where().find("bad.csv:700000:7"), std::string::npos) << e.what();
  }
  // Numeric labels fill the limit; the first text label then is the error.
  const std::string late = with_line(numeric_rows(800000), 650000, "0,0.5,cat");
  for (int threads : {1, 2}) {
    const DataError e = read_error(late, {.target = "y", .max_classes = 3}, threads);
    EXPECT_NE(e.where().find("bad.csv:650000:7"), std::string::npos) << e.what();
  }
}

TEST(CsvParallel, AForcedRegressionNamesTheFirstTextFarIntoTheFile) {
  const std::string text = with_line(numeric_rows(800000), 612345, "3,0.5,dog");
  for (int threads : {1, 2}) {
    const DataError e = read_error(text, {.target = "y", .task = Task::regression}, threads);
    EXPECT_NE(e.reason().find("'dog'"), std::string::npos) << e.what();
    EXPECT_NE(e.where().find("bad.csv:612345:7"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace descent::data
