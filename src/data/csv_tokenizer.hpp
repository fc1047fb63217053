#pragma once
// The record and field level of the CSV format (csv_reader.hpp documents it), shared by the
// whole-file reader and the block-streaming row reader: records (quote-aware line ends), fields
// (quotes, "" escapes, blanks trimmed), the header, numeric cells, and errors located as
// file:line:column. CsvLexer works on text in memory; CsvTokenizer streams a file through a buffer
// sized to the input and reads its header. Internal to src/data.
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
/// Parses a whole text as a float, as std::from_chars does (correctly rounded: plain decimals by
/// parse_plain_decimal, the rest by fast_float):
/// optional '+', nothing left over; result_out_of_range when a finite text overflows to infinity
/// or a non-zero text underflows to zero.
std::from_chars_result parse_float(const char* begin, const char* end, float& value);
/// The '\n' ending the record that starts at `begin` (a '\n' inside double quotes does not end
/// it; quotes toggle from `begin` on), or nullptr when [begin, end) holds no such '\n'.
/// `inner_lines` becomes the number of '\n' inside quotes before it.
const char* find_record_end(const char* begin, const char* end, std::size_t& inner_lines);

/// Fields and numeric cells of records in memory. How an error is located (file:line:column) is
/// up to the subclass: fail() is called only on bad input.
class CsvLexer {
 public:
  explicit CsvLexer(char delimiter) : delimiter_(delimiter) {}
  virtual ~CsvLexer() = default;
  CsvLexer(const CsvLexer&) = delete;
  CsvLexer& operator=(const CsvLexer&) = delete;

  /// The field at p (p moves to the delimiter after it, or to end).
  Field next_field(const char*& p, const char* end);
  /// The field's text with "" turned into " (valid until the next call).
  std::string_view unescaped(const Field& field);
  /// A numeric cell of column `name` at p (p moves to the delimiter after it, or to end):
  /// fail() for an empty, non-numeric, non-finite or out-of-range cell.
  float number(const char*& p, const char* end, const std::string& name);

  [[noreturn]] virtual void fail(const char* at, std::string what, std::string hint) const = 0;
  char delimiter() const { return delimiter_; }

 protected:
  bool is_blank(char c) const { return c == ' ' || (c == '\t' && delimiter_ != '\t'); }
  char delimiter_;

 private:
  std::string scratch_;
};

class CsvTokenizer : public CsvLexer {
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
  /// The line of the first byte not consumed as a record yet.
  std::size_t next_line() const { return next_line_; }
  /// The bytes read ahead but not consumed, and the file, for a reader that takes over from here.
  std::string_view unread() const { return {buffer_.data() + pos_, end_ - pos_}; }
  std::FILE* file() const { return file_.get(); }

  /// DataError at `at`, a position in the current record.
  [[noreturn]] void fail(const char* at, std::string what, std::string hint) const override;
  /// "file:line:column" of a position in the current record.
  std::string where(const char* at) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  void refill();
  void detect_delimiter();

  std::filesystem::path path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;  // unread data is buffer_[pos_, end_)
  bool eof_ = false;
  const char* record_begin_ = nullptr;
  const char* record_end_ = nullptr;
  std::size_t line_ = 1;       // physical line of record_begin_
  std::size_t next_line_ = 1;  // physical line of the record after this one
};

}  // namespace descent::data::detail
