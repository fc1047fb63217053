// CsvRowReader: rows in blocks bounded by a row count and by bytes (values plus passed-through
// text), features in the caller's order, the passthrough column's text.
#include "descent/data/csv_rows.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "data/temp_dir.hpp"

namespace descent::data {
namespace {

using test::TempDir;

/// `rows` rows "i,2i,3i,<label>" under the header "a,b,c,label"; the label is `label_chars` long.
std::string numbered(int rows, std::size_t label_chars) {
  std::string csv = "a,b,c,label\n";
  for (int i = 0; i < rows; ++i)
    csv += std::to_string(i) + "," + std::to_string(2 * i) + "," + std::to_string(3 * i) + "," +
           std::string(label_chars, char('a' + i % 26)) + "\n";
  return csv;
}

/// Every block's row count for next(max_rows, max_bytes), checking the values on the way.
std::vector<std::size_t> blocks(const TempDir& dir, std::size_t label_chars, std::size_t max_rows,
                                std::size_t max_bytes) {
  CsvRowReader reader(dir.write("rows.csv", numbered(50, label_chars)), {"c", "a"}, "label");
  EXPECT_TRUE(reader.has_passthrough());
  EXPECT_EQ(reader.unused_columns(), std::vector<std::string>{"b"});
  std::vector<std::size_t> sizes;
  Matrix x;
  std::vector<std::string> labels;
  std::size_t first = 0;
  while (const std::size_t n = reader.next(max_rows, max_bytes, x, labels)) {
    EXPECT_EQ(static_cast<std::size_t>(x.rows()), n);
    EXPECT_EQ(labels.size(), n);
    for (std::size_t r = 0; r < n; ++r) {
      const auto i = static_cast<float>(first + r);
      EXPECT_EQ(x(static_cast<Eigen::Index>(r), 0), 3 * i);
      EXPECT_EQ(x(static_cast<Eigen::Index>(r), 1), i);
      EXPECT_EQ(labels[r], std::string(label_chars, char('a' + (first + r) % 26)));
    }
    first += n;
    sizes.push_back(n);
  }
  EXPECT_EQ(reader.rows_read(), 50u);
  return sizes;
}

TEST(CsvRowReader, BlocksAreBoundedByTheRowCount) {
  TempDir dir;
  EXPECT_EQ(blocks(dir, 1, 16, 1 << 20), (std::vector<std::size_t>{16, 16, 16, 2}));
}

// Two features are 8 bytes a row, so 100 bytes hold the values of 12 rows; with 1-byte labels
// 11 rows hold 99 bytes, under the limit, so a 12th row is read.
TEST(CsvRowReader, BlocksAreBoundedByTheBytesOfTheValuesAndTexts) {
  TempDir dir;
  EXPECT_EQ(blocks(dir, 1, 1000, 100), (std::vector<std::size_t>{12, 12, 12, 12, 2}));
  // Labels of 1000 bytes: 4 rows hold 4032 bytes, a 5th is read and reaches 5040, the block
  // stops; a limit below one row still reads one row at a time.
  EXPECT_EQ(blocks(dir, 1000, 1000, 4096), (std::vector<std::size_t>(10, 5)));
  EXPECT_EQ(blocks(dir, 1000, 1000, 10), (std::vector<std::size_t>(50, 1)));
}

}  // namespace
}  // namespace descent::data
