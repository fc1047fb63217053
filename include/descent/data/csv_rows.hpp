#pragma once
// A CSV file read block by block, for scoring data of any size with a fixed memory footprint:
// the caller names the feature columns it needs (matched by name, in its order, whatever the
// file's column order) and optionally one column whose text is passed through (a target). Same
// format and errors as read_csv (csv_reader.hpp).
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "descent/data/dataset.hpp"

namespace descent::data {

namespace detail {
class CsvTokenizer;
}

class CsvRowReader {
 public:
  /// Opens `path` and reads its header. DataError naming the first feature column that is absent
  /// (with a did-you-mean). `passthrough` may be empty or absent from the file (has_passthrough()).
  /// A delimiter of 0 is detected from the header.
  CsvRowReader(const std::filesystem::path& path, std::vector<std::string> features,
               std::string passthrough = {}, char delimiter = 0);
  ~CsvRowReader();
  CsvRowReader(const CsvRowReader&) = delete;
  CsvRowReader& operator=(const CsvRowReader&) = delete;

  /// The file's columns that are neither features nor the passthrough column.
  const std::vector<std::string>& unused_columns() const { return unused_; }
  bool has_passthrough() const { return passthrough_column_ >= 0; }
  /// The next rows: at most `max_rows`, and no more than the values of `max_bytes` / (4 x
  /// features) rows, and no row more once the values and passthrough texts read reach `max_bytes`
  /// (so at least one row, however long). x becomes [n, features] in the order given to the
  /// constructor, `passthrough` their passthrough texts (when present). Returns n; 0 at the end.
  std::size_t next(std::size_t max_rows, std::size_t max_bytes, Matrix& x,
                   std::vector<std::string>& passthrough);
  /// Data rows read so far.
  std::size_t rows_read() const { return rows_; }

 private:
  std::unique_ptr<detail::CsvTokenizer> tok_;
  std::vector<std::string> columns_, unused_;
  std::vector<long> slot_;  // per file column: feature index, -1 passthrough, -2 unused
  long passthrough_column_ = -1;
  std::size_t features_ = 0, rows_ = 0;
};

}  // namespace descent::data
