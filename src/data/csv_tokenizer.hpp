#pragma once
// The record and field level of the CSV format (csv_reader.hpp documents it), shared by the
// whole-file reader and the block-streaming row reader: a file streamed through a growing buffer,
// records (quote-aware line ends), fields (quotes, "" escapes, blanks trimmed), the header, numeric
// cells, and errors located as file:line:column. Internal to src/data.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace descent::data::detail {

/// One field of a record: its text (without quotes and surrounding blanks) and where it starts.
struct Field {
  std::string_view text;
  const char* start;  // first character of the field in the buffer (the quote, if quoted)
  bool quoted = false;
  bool has_escapes = false;  // quoted text containing "" (an escaped quote)
};

/// At most 40 characters of `text`, with "..." when cut.
std::string shown(std::string_view text);
/// Parses a whole text as a float: optional '+', std::from_chars, nothing left over.
std::from_chars_result parse_float(const char* begin, const char* end, float& value);
/// Upper bound of the number of records: the number of line ends + 1 (a first, cheap pass).
std::size_t count_lines(const std::filesystem::path& path);

class CsvTokenizer {
 public:
  /// Opens the file (DataError naming it if it cannot). A delimiter of 0 is detected from the
  /// header: the most frequent of ',' ';' and tab outside quotes (',' when none occurs).
  CsvTokenizer(const std::filesystem::path& path, char delimiter);

  /// Reads the header: skips a UTF-8 byte order mark and empty lines; names non-empty and unique.
  std::vector<std::string> read_header();
  /// Makes [record_begin(), record_end()) the next record (without its line end); false at EOF.
  bool next_record();
  const char* record_begin() const { return record_begin_; }
  const char* record_end() const { return record_end_; }

  /// The field at p (p moves to the delimiter after it, or to end).
  Field next_field(const char*& p, const char* end);
  /// The field's text with "" turned into " (valid until the next call).
  std::string_view unescaped(const Field& field);
  /// A numeric cell of column `name` at p (p moves to the delimiter after it, or to end):
  /// DataError with file:line:column for an empty, non-numeric, non-finite or out-of-range cell.
  float number(const char*& p, const char* end, const std::string& name);

  [[noreturn]] void fail(const char* at, std::string what, std::string hint) const;
  /// "file:line:column" of a position in the current record.
  std::string where(const char* at) const;
  char delimiter() const { return delimiter_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  bool is_blank(char c) const { return c == ' ' || (c == '\t' && delimiter_ != '\t'); }
  void refill();
  void detect_delimiter();

  std::filesystem::path path_;
  char delimiter_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;  // unread data is buffer_[pos_, end_)
  bool eof_ = false;
  const char* record_begin_ = nullptr;
  const char* record_end_ = nullptr;
  std::size_t line_ = 1;       // physical line of record_begin_
  std::size_t next_line_ = 1;  // physical line of the record after this one
  std::string scratch_;
};

}  // namespace descent::data::detail
