#include "csv_tokenizer.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include <fast_float/fast_float.h>
#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/core/utf8.hpp"
#include "plain_decimal.hpp"

namespace descent::data::detail {

namespace {
constexpr std::size_t kBlockSize = std::size_t{1} << 20;  // the most read at a time
constexpr std::size_t kMinBlockSize = 64;
constexpr std::size_t kMaxShownText = 40;

std::FILE* open_file(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    throw DataError(fmt::format("cannot open the CSV file: {}", std::strerror(errno)),
                    path.string(), "check the path and the file permissions");
  }
  return f;
}
}  // namespace

std::string shown(std::string_view text) {
  if (text.size() <= kMaxShownText) return std::string(text);
  return std::string(text.substr(0, kMaxShownText)) + "...";
}

std::from_chars_result parse_float(const char* begin, const char* end, float& value) {
  const char* p = begin;
  if (p != end && *p == '+' && p + 1 != end && p[1] != '-') ++p;
  if (const char* stop = parse_plain_decimal(p, end, value)) return {stop, std::errc{}};
  float parsed;
  const auto [stop, ec] = fast_float::from_chars(p, end, parsed);
  if (ec != std::errc{}) return {stop, ec};
  // fast_float 3 rounds out-of-range texts to infinity or zero; std::from_chars reports them.
  const char first = *p == '-' ? p[1] : *p;
  const bool finite_text = first != 'i' && first != 'I' && first != 'n' && first != 'N';
  const auto is_exponent = [](char c) { return c == 'e' || c == 'E'; };
  const auto is_nonzero_digit = [](char c) { return c >= '1' && c <= '9'; };
  if ((std::isinf(parsed) && finite_text) ||
      (parsed == 0 && std::any_of(p, std::find_if(p, stop, is_exponent), is_nonzero_digit)))
    return {stop, std::errc::result_out_of_range};
  value = parsed;
  return {stop, ec};
}

const char* find_record_end(const char* begin, const char* end, std::size_t& inner_lines) {
  inner_lines = 0;
  const char* nl = static_cast<const char*>(std::memchr(begin, '\n', end - begin));
  const char* stop = nl ? nl : end;
  if (!std::memchr(begin, '"', stop - begin)) return nl;
  // Quote-aware scan: a '\n' inside quotes does not end the record ("" toggles twice).
  bool quoted = false;
  for (const char* q = begin; q != end; ++q) {
    if (*q == '"') {
      quoted = !quoted;
    } else if (*q == '\n') {
      if (!quoted) return q;
      ++inner_lines;
    }
  }
  return nullptr;
}

CsvTokenizer::CsvTokenizer(const std::filesystem::path& path, char delimiter)
    : CsvLexer(delimiter), path_(path), file_(open_file(path)) {
  // Sized to the input: a small file (a test, a fuzzer's input) costs a small buffer.
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  buffer_.resize(ec ? kBlockSize : std::clamp<std::size_t>(bytes + 1, kMinBlockSize, kBlockSize));
}

void CsvTokenizer::refill() {
  if (pos_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // a record longer than a block
  std::size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_.get());
  if (n == 0) {
    if (std::ferror(file_.get())) {
      throw DataError("read error", path_.string(), "check that the file is readable");
    }
    eof_ = true;
  }
  end_ += n;
}

bool CsvTokenizer::next_record() {
  line_ = next_line_;
  for (;;) {
    const char* begin = buffer_.data() + pos_;
    const char* end = buffer_.data() + end_;
    std::size_t inner_lines;
    const char* nl = find_record_end(begin, end, inner_lines);
    if (nl || eof_) {
      if (!nl && begin == end) return false;
      record_begin_ = begin;
      record_end_ = nl ? nl : end;
      pos_ = static_cast<std::size_t>(record_end_ - buffer_.data()) + (nl ? 1 : 0);
      next_line_ = line_ + inner_lines + 1;
      // CRLF: the '\r' belongs to the line end, not to the last field.
      if (record_end_ != record_begin_ && record_end_[-1] == '\r') --record_end_;
      return true;
    }
    refill();
  }
}

std::string CsvTokenizer::where(const char* at) const {
  std::size_t line = line_;
  const char* line_start = record_begin_;
  for (const char* q = record_begin_; q < at; ++q) {
    if (*q == '\n') ++line, line_start = q + 1;
  }
  return fmt::format("{}:{}:{}", path_.string(), line, at - line_start + 1);
}

void CsvTokenizer::fail(const char* at, std::string what, std::string hint) const {
  throw DataError(std::move(what), where(at), std::move(hint));
}

Field CsvLexer::next_field(const char*& p, const char* end) {
  const char delimiter = delimiter_;
  Field field;
  while (p != end && is_blank(*p)) ++p;
  field.start = p;
  if (p != end && *p == '"') {
    field.quoted = true;
    const char* content = ++p;
    for (;;) {
      p = static_cast<const char*>(std::memchr(p, '"', end - p));
      if (!p) fail(field.start, "unterminated quoted field", "close the quote with '\"'");
      if (p + 1 != end && p[1] == '"') {
        field.has_escapes = true;
        p += 2;
        continue;
      }
      break;
    }
    field.text = std::string_view(content, p - content);
    ++p;  // the closing quote
    while (p != end && is_blank(*p)) ++p;
    if (p != end && *p != delimiter) {
      fail(p, "unexpected text after a closing quote",
           "a quoted field must end at the quote; write a quote inside quotes as \"\"");
    }
  } else {
    const char* stop = static_cast<const char*>(std::memchr(p, delimiter, end - p));
    if (!stop) stop = end;
    const char* last = stop;
    while (last != p && is_blank(last[-1])) --last;
    field.text = std::string_view(p, last - p);
    p = stop;
  }
  return field;
}

std::string_view CsvLexer::unescaped(const Field& field) {
  if (!field.has_escapes) return field.text;
  scratch_.clear();
  for (std::size_t i = 0; i < field.text.size(); ++i) {
    scratch_ += field.text[i];
    if (field.text[i] == '"') ++i;  // "" -> "
  }
  return scratch_;
}

void CsvTokenizer::detect_delimiter() {
  // The most frequent of , ; tab outside quotes in the header line; ties go to the earlier one.
  std::size_t counts[3] = {0, 0, 0};
  const char candidates[3] = {',', ';', '\t'};
  bool quoted = false;
  for (const char* q = record_begin_; q != record_end_; ++q) {
    if (*q == '"') quoted = !quoted;
    if (quoted) continue;
    for (int i = 0; i < 3; ++i) counts[i] += *q == candidates[i];
  }
  delimiter_ = ',';
  std::size_t best = 0;
  for (int i = 0; i < 3; ++i)
    if (counts[i] > best) best = counts[i], delimiter_ = candidates[i];
}

std::vector<std::string> CsvTokenizer::read_header() {
  if (end_ == 0) refill();
  // A UTF-8 byte order mark (written by some spreadsheet programs) is not part of the header.
  if (pos_ == 0 && end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  // Skip leading empty lines; the first non-empty line is the header.
  do {
    if (!next_record()) {
      throw DataError("the CSV file is empty", path_.string(),
                      "the first line must name the columns, e.g. x1,x2,label");
    }
  } while (record_begin_ == record_end_);
  if (delimiter_ == 0) detect_delimiter();
  std::vector<std::string> columns;
  const char* p = record_begin_;
  for (;;) {
    Field field = next_field(p, record_end_);
    std::string name(unescaped(field));
    if (name.empty()) {
      fail(field.start, fmt::format("column {} of the header has no name", columns.size() + 1),
           "give every column a name (a pandas index column? write the CSV with index=False)");
    }
    if (const auto bad = first_invalid_utf8(name); bad != std::string::npos) {
      fail(field.start,
           fmt::format("column {} of the header is not UTF-8 text (byte 0x{:02x} at offset {})",
                       columns.size() + 1, static_cast<unsigned char>(name[bad]), bad),
           "save the file as UTF-8, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8.csv");
    }
    if (std::find(columns.begin(), columns.end(), name) != columns.end()) {
      fail(field.start, fmt::format("duplicate column name '{}' in the header", shown(name)),
           "column names must be unique");
    }
    columns.push_back(std::move(name));
    if (p == record_end_) break;
    ++p;  // the delimiter
  }
  return columns;
}

float CsvLexer::number(const char*& p, const char* end, const std::string& name) {
  // Fast path: an unquoted number parsed in place, followed by blanks and the delimiter.
  const char* q = p;
  while (q != end && is_blank(*q)) ++q;
  float value;
  auto [stop, ec] = parse_float(q, end, value);
  if (ec == std::errc{} && stop != q) {
    const char* after = stop;
    while (after != end && is_blank(*after)) ++after;
    if ((after == end || *after == delimiter_) && std::isfinite(value)) {
      p = after;
      return value;
    }
  }
  // Slow path: quoted, bad, empty or non-finite; find the whole field and judge it.
  Field field = next_field(p, end);
  if (field.text.empty()) {
    fail(field.start, fmt::format("empty cell in column '{}'", name),
         "descent does not fill in missing values: fill or drop this row");
  }
  const char* begin = field.text.data();
  const char* text_end = begin + field.text.size();
  auto result = parse_float(begin, text_end, value);
  if (result.ec == std::errc::result_out_of_range) {
    fail(field.start,
         fmt::format("'{}' in column '{}' is out of the float range", shown(field.text), name),
         "rescale this column (|x| must stay below 3.4e38)");
  }
  if (result.ec != std::errc{} || result.ptr != text_end) {
    fail(field.start,
         fmt::format("cannot read '{}' as a number in column '{}'", shown(field.text), name),
         "every column except the target must be numeric: encode it as numbers or ignore the "
         "column");
  }
  if (!std::isfinite(value)) {
    fail(field.start, fmt::format("non-finite value '{}' in column '{}'", shown(field.text), name),
         "replace or drop NaN and infinite values before training");
  }
  return value;
}

}  // namespace descent::data::detail
