#include "descent/data/csv_reader.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/temp_dir.hpp"
#include "descent/core/error.hpp"

namespace descent::data {
namespace {

using test::TempDir;

Dataset read(const TempDir& dir, std::string_view content, CsvOptions options) {
  return read_csv(dir.write("data.csv", content), options);
}

/// The DataError raised by reading `content`; fails the test if none is raised.
DataError read_error(std::string_view content, CsvOptions options) {
  TempDir dir;
  try {
    read(dir, content, options);
  } catch (const DataError& e) {
    return e;
  }
  ADD_FAILURE() << "no DataError for:\n" << content;
  return DataError("none");
}

TEST(CsvReader, RegressionWithFloatTarget) {
  TempDir dir;
  Dataset d = read(dir, "a,b,y\n1,2.5,0.5\n-3,4e2,1.25\n", {.target = "y"});
  d.validate();
  EXPECT_EQ(d.task, Task::regression);
  ASSERT_EQ(d.rows(), 2u);
  ASSERT_EQ(d.features(), 2u);
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.target_name, "y");
  EXPECT_EQ(d.x(0, 0), 1.0f);
  EXPECT_EQ(d.x(0, 1), 2.5f);
  EXPECT_EQ(d.x(1, 0), -3.0f);
  EXPECT_EQ(d.x(1, 1), 400.0f);
  EXPECT_EQ(d.y[0], 0.5f);
  EXPECT_EQ(d.y[1], 1.25f);
  EXPECT_TRUE(d.labels.empty());
}

TEST(CsvReader, TargetInTheMiddleAndIgnoredColumns) {
  TempDir dir;
  Dataset d = read(dir, "id,a,label,b\n7,1,x,2\n8,3,y,4\n", {.target = "label", .ignore = {"id"}});
  d.validate();
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.x(1, 0), 3.0f);
  EXPECT_EQ(d.x(1, 1), 4.0f);
}

TEST(CsvReader, TextLabelsAreSortedBytewise) {
  TempDir dir;
  Dataset d = read(dir, "x,species\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n",
                   {.target = "species"});
  d.validate();
  EXPECT_EQ(d.task, Task::classification);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 0, 1, 0}));
  EXPECT_EQ(d.y.size(), 0);
}

TEST(CsvReader, FewIntegerTargetsAreClassesInNumericOrder) {
  TempDir dir;
  Dataset d = read(dir, "x,digit\n0,10\n1,9\n2,10.0\n3,2\n", {.target = "digit"});
  d.validate();
  EXPECT_EQ(d.task, Task::classification);
  // Numeric order (2 < 9 < 10), not text order; "10" and "10.0" are one class.
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"2", "9", "10"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 1, 2, 0}));
}

TEST(CsvReader, ManyIntegerTargetsAreRegression) {
  std::string csv = "x,count\n";
  for (int i = 0; i < 21; ++i) csv += fmt::format("{},{}\n", i, i * 3);
  TempDir dir;
  EXPECT_EQ(read(dir, csv, {.target = "count"}).task, Task::regression);
  EXPECT_EQ(read(dir, csv, {.target = "count", .max_auto_classes = 21}).task, Task::classification);
}

TEST(CsvReader, ForcedTask) {
  TempDir dir;
  Dataset r = read(dir, "x,y\n1,0\n2,1\n", {.target = "y", .task = Task::regression});
  r.validate();
  EXPECT_EQ(r.task, Task::regression);
  EXPECT_EQ(r.y[1], 1.0f);
  Dataset c =
      read(dir, "x,y\n1,0.5\n2,-1.5\n3,0.5\n", {.target = "y", .task = Task::classification});
  c.validate();
  EXPECT_EQ(c.class_names, (std::vector<std::string>{"-1.5", "0.5"}));
  EXPECT_EQ(c.labels, (std::vector<std::int32_t>{1, 0, 1}));
}

TEST(CsvReader, QuotesCrlfBlanksEmptyLinesBomAndNoFinalNewline) {
  TempDir dir;
  std::string csv =
      "\xEF\xBB\xBF\r\n"
      "\"first, col\",\"y\"\r\n"
      "\r\n"
      " 1.5 ,\"a \"\"quoted\"\" label\"\r\n"
      "\"2\",\"multi\nline\"\r\n"
      "\n"
      "+3,\"a \"\"quoted\"\" label\"";
  Dataset d = read(dir, csv, {.target = "y"});
  d.validate();
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"first, col"}));
  ASSERT_EQ(d.rows(), 3u);
  EXPECT_EQ(d.x(0, 0), 1.5f);
  EXPECT_EQ(d.x(1, 0), 2.0f);
  EXPECT_EQ(d.x(2, 0), 3.0f);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"a \"quoted\" label", "multi\nline"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{0, 1, 0}));
}

TEST(CsvReader, OtherDelimiter) {
  TempDir dir;
  Dataset d =
      read(dir, "a;y\n1.5;2\n", {.target = "y", .task = Task::regression, .delimiter = ';'});
  ASSERT_EQ(d.rows(), 1u);
  EXPECT_EQ(d.x(0, 0), 1.5f);
  EXPECT_EQ(d.y[0], 2.0f);
  // With ';' as the delimiter, a decimal comma makes a cell that is not a number.
  EXPECT_THROW(read(dir, "a;y\n1,5;2\n", {.target = "y", .delimiter = ';'}), DataError);
}

// Without a delimiter, the most frequent of , ; tab in the header decides; tab-separated fields
// keep working although a tab is otherwise a blank around a field.
TEST(CsvReader, DelimiterDetectedFromTheHeader) {
  TempDir dir;
  for (const char* text :
       {"a,b,y\n1.5, 2,x\n3,4,z\n", "a;b;y\n1.5; 2;x\n3;4;z\n", "a\tb\ty\n1.5\t 2\tx\n3\t4\tz\n"}) {
    const Dataset d = read(dir, text, {.target = "y"});
    ASSERT_EQ(d.features(), 2u) << text;
    EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(d.x(0, 0), 1.5f);
    EXPECT_EQ(d.x(0, 1), 2.0f);
    EXPECT_EQ(d.x(1, 1), 4.0f);
    EXPECT_EQ(d.class_names, (std::vector<std::string>{"x", "z"}));
  }
  // A decimal comma in ';' files: the header decides ';', so "1,5" is one (bad) cell.
  EXPECT_THROW(read(dir, "a;y\n1,5;2\n", {.target = "y", .task = Task::regression}), DataError);
  // An empty tab-separated cell is an empty cell, not a skipped one.
  EXPECT_THROW(read(dir, "a\tb\ty\n1\t\t3\n", {.target = "y"}), DataError);
}

TEST(CsvReader, RecordsLongerThanOneBlockAndManyRows) {
  // 3000 rows of 100 columns (~1.5 MB, more than one read block) with exact values to compare.
  std::string csv;
  for (int c = 0; c < 100; ++c) csv += fmt::format("c{},", c);
  csv += "t\n";
  for (int r = 0; r < 3000; ++r) {
    for (int c = 0; c < 100; ++c) csv += fmt::format("{},", r * 0.25 + c);
    csv += fmt::format("{}\n", r % 3);
  }
  std::string long_label(3 << 20, 'z');  // a 3 MB quoted label: a record longer than a block
  csv += "1";
  for (int c = 1; c < 100; ++c) csv += ",1";
  csv += ",\"" + long_label + "\"\n";
  TempDir dir;
  Dataset d = read(dir, csv, {.target = "t"});
  d.validate();
  ASSERT_EQ(d.rows(), 3001u);
  ASSERT_EQ(d.features(), 100u);
  for (int r = 0; r < 3000; r += 311) {
    for (int c = 0; c < 100; c += 7) EXPECT_EQ(d.x(r, c), static_cast<float>(r * 0.25 + c));
  }
  ASSERT_EQ(d.classes(), 4u);  // "0" "1" "2" and the long label (text, so all are text classes)
  EXPECT_EQ(d.class_names[3], long_label);
  EXPECT_EQ(d.labels[2999], 2999 % 3);
  EXPECT_EQ(d.labels[3000], 3);
}

TEST(CsvReader, NumbersHaveTheBitsOfFromChars) {
  // Plain decimals take a fast path (src/data/plain_decimal.hpp); every cell must still be the
  // correctly rounded float of its text: float midpoints (2^24 + 1 and others; ties to even),
  // texts just beside them, 9 to 20 significant digits, long fractions, leading zeros, -0 and
  // exponents.
  std::vector<std::string> texts = {
      "16777217", "16777219", "-16777217", "16777217.0000001", "16777216.99999", "33554434",
      "0.000000000000000000001", "-0", "-0.0", "00012.5000", "1e3", "123456789012345678901",
      "9007199254740993", "0.1", "3.4028235e38",
      // Fractions of 15 to 17 digits: the fast path reads 16 at once, a longer run's rest a digit
      // at a time.
      "0.123456789012345", "0.1234567890123456", "-1.00000000000000001", "7.9999999999999999"};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 30000; ++i) {
    const float f = std::bit_cast<float>(static_cast<std::uint32_t>(rng()) & 0x4fffffffu);
    texts.push_back(fmt::format("{:.{}f}", f, static_cast<int>(rng() % 12)));
    texts.push_back(fmt::format("{}", f));
    // The exact decimal of a float midpoint, then rounded to fewer digits.
    const double mid = (static_cast<double>(f) + std::nextafter(f, 2 * f)) / 2;
    texts.push_back(fmt::format("{:.{}g}", mid, 9 + static_cast<int>(rng() % 12)));
  }
  std::string csv = "x,y\n";
  for (const auto& t : texts) csv += fmt::format("{},0\n", t);
  TempDir dir;
  const Dataset d = read(dir, csv, {.target = "y"});
  ASSERT_EQ(d.rows(), texts.size());
  for (std::size_t r = 0; r < texts.size(); ++r) {
    float expected = 0;
    const auto [stop, ec] =
        std::from_chars(texts[r].data(), texts[r].data() + texts[r].size(), expected);
    ASSERT_EQ(ec, std::errc{}) << texts[r];
    ASSERT_EQ(std::bit_cast<std::uint32_t>(d.x(static_cast<Eigen::Index>(r), 0)),
              std::bit_cast<std::uint32_t>(expected))
        << texts[r];
  }
}

// ---- errors ----

TEST(CsvReaderErrors, BadCellNamesFileLineColumnNameAndText) {
  DataError e = read_error("a,b,y\n1,2,3\n4,oops,6\n", {.target = "y"});
  EXPECT_NE(e.where().find("data.csv:3:3"), std::string::npos) << e.what();
  EXPECT_NE(e.reason().find("'oops'"), std::string::npos) << e.what();
  EXPECT_NE(e.reason().find("column 'b'"), std::string::npos) << e.what();
  EXPECT_FALSE(e.hint().empty());
}

TEST(CsvReaderErrors, NumberFollowedByText) {
  DataError e = read_error("a,y\n1.5x,2\n", {.target = "y"});
  EXPECT_NE(e.reason().find("'1.5x'"), std::string::npos) << e.what();
  EXPECT_NE(e.where().find(":2:1"), std::string::npos) << e.what();
}

TEST(CsvReaderErrors, MissingCell) {
  DataError e = read_error("a,b,y\n1,2,3\n4,,6\n", {.target = "y"});
  EXPECT_NE(e.where().find(":3:3"), std::string::npos) << e.what();
  EXPECT_NE(e.reason().find("empty cell in column 'b'"), std::string::npos) << e.what();
  DataError t = read_error("a,y\n1,\n", {.target = "y"});
  EXPECT_NE(t.reason().find("empty target"), std::string::npos) << t.what();
}

TEST(CsvReaderErrors, WrongColumnCount) {
  DataError fewer = read_error("a,b,y\n1,2,3\n4,5\n", {.target = "y"});
  EXPECT_NE(fewer.where().find(":3:"), std::string::npos) << fewer.what();
  EXPECT_NE(fewer.reason().find("2 fields but the header has 3"), std::string::npos)
      << fewer.what();
  DataError more = read_error("a,y\n1,2,3\n", {.target = "y"});
  EXPECT_NE(more.where().find(":2:5"), std::string::npos) << more.what();
  EXPECT_NE(more.reason().find("more than"), std::string::npos) << more.what();
}

TEST(CsvReaderErrors, LineNumbersCountEmptyAndQuotedLines) {
  DataError e = read_error("x,y\n\n1,\"a\nb\"\n2,c\nbad,d\n", {.target = "y"});
  EXPECT_NE(e.where().find(":6:1"), std::string::npos) << e.what();
}

TEST(CsvReaderErrors, MissingTargetColumnSuggestsTheClosest) {
  DataError e = read_error("sepal,petal,label\n1,2,a\n", {.target = "lable"});
  EXPECT_NE(e.reason().find("no column named 'lable'"), std::string::npos) << e.what();
  EXPECT_NE(e.hint().find("did you mean 'label'"), std::string::npos) << e.what();
  DataError far = read_error("sepal,petal,label\n1,2,a\n", {.target = "zzzzzzzz"});
  EXPECT_NE(far.hint().find("sepal, petal, label"), std::string::npos) << far.what();
}

TEST(CsvReaderErrors, EmptyFileAndHeaderOnly) {
  EXPECT_NE(std::string(read_error("", {.target = "y"}).what()).find("empty"), std::string::npos);
  EXPECT_NE(std::string(read_error("\n\r\n", {.target = "y"}).what()).find("empty"),
            std::string::npos);
  EXPECT_NE(std::string(read_error("a,y\n", {.target = "y"}).what()).find("no data rows"),
            std::string::npos);
}

TEST(CsvReaderErrors, NanAndInfinity) {
  for (const char* bad : {"nan", "NaN", "inf", "-Infinity"}) {
    DataError e = read_error(std::string("a,y\n1,2\n") + bad + ",3\n", {.target = "y"});
    EXPECT_NE(e.reason().find("non-finite"), std::string::npos) << e.what();
    EXPECT_NE(e.where().find(":3:1"), std::string::npos) << e.what();
  }
  DataError t = read_error("a,y\n1,nan\n", {.target = "y"});
  EXPECT_NE(t.reason().find("non-finite target"), std::string::npos) << t.what();
}

TEST(CsvReaderErrors, OutOfFloatRange) {
  DataError e = read_error("a,y\n1e39,1\n", {.target = "y"});
  EXPECT_NE(e.reason().find("out of the float range"), std::string::npos) << e.what();
}

TEST(CsvReaderErrors, HeaderProblems) {
  EXPECT_NE(std::string(read_error(",a,y\n0,1,2\n", {.target = "y"}).what()).find("no name"),
            std::string::npos);
  EXPECT_NE(std::string(read_error("a,a,y\n0,1,2\n", {.target = "y"}).what()).find("duplicate"),
            std::string::npos);
  EXPECT_NE(std::string(read_error("y\n1\n", {.target = "y"}).what()).find("no feature"),
            std::string::npos);
}

TEST(CsvReaderErrors, QuotingProblems) {
  DataError open = read_error("a,y\n1,\"abc\n", {.target = "y"});
  EXPECT_NE(open.reason().find("unterminated"), std::string::npos) << open.what();
  DataError after = read_error("a,y\n1,\"abc\"def\n", {.target = "y"});
  EXPECT_NE(after.reason().find("after a closing quote"), std::string::npos) << after.what();
}

TEST(CsvReaderErrors, TextTargetForcedToRegression) {
  DataError e = read_error("a,y\n1,2\n2,cat\n", {.target = "y", .task = Task::regression});
  EXPECT_NE(e.where().find(":3:3"), std::string::npos) << e.what();
  EXPECT_NE(e.reason().find("'cat'"), std::string::npos) << e.what();
}

TEST(CsvReaderErrors, TooManyTextLabels) {
  DataError e = read_error("a,y\n1,p\n2,q\n3,r\n", {.target = "y", .max_classes = 2});
  EXPECT_NE(e.where().find(":4:"), std::string::npos) << e.what();
}

TEST(CsvReaderErrors, ForcedClassificationWithTooManyClassesCountsThemAll) {
  DataError e = read_error("a,y\n1,4\n2,3\n3,2\n4,1\n5,0\n6,4\n",
                           {.target = "y", .task = Task::classification, .max_classes = 3});
  EXPECT_NE(e.reason().find("has 5 distinct values (more than 3)"), std::string::npos) << e.what();
}

TEST(CsvReaderErrors, MissingFileAndBadOptions) {
  TempDir dir;
  EXPECT_THROW(read_csv(dir.path() / "missing.csv", {.target = "y"}), DataError);
  EXPECT_THROW(read(dir, "a,y\n1,2\n", {}), ConfigError);
  EXPECT_THROW(read(dir, "a,y\n1,2\n", {.target = "y", .ignore = {"b"}}), ConfigError);
  EXPECT_THROW(read(dir, "a,y\n1,2\n", {.target = "y", .ignore = {"y"}}), ConfigError);
}

}  // namespace
}  // namespace descent::data
