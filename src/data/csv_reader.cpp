#include "descent/data/csv_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"

namespace descent::data {

namespace {

constexpr std::size_t kBlockSize = std::size_t{1} << 20;
constexpr std::size_t kMaxShownText = 40;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_file(const std::filesystem::path& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    throw DataError(fmt::format("cannot open the CSV file: {}", std::strerror(errno)),
                    path.string(), "check the path and the file permissions");
  }
  return f;
}

/// Upper bound of the number of records: the number of line ends + 1 (a first, cheap pass).
std::size_t count_lines(const std::filesystem::path& path) {
  File f = open_file(path);
  std::vector<char> block(kBlockSize);
  std::size_t lines = 1;
  for (std::size_t n; (n = std::fread(block.data(), 1, block.size(), f.get())) > 0;) {
    lines += static_cast<std::size_t>(std::count(block.data(), block.data() + n, '\n'));
  }
  return lines;
}

std::string shown(std::string_view text) {
  if (text.size() <= kMaxShownText) return std::string(text);
  return std::string(text.substr(0, kMaxShownText)) + "...";
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

/// Parses a whole text as a float: optional '+', std::from_chars, nothing left over.
std::from_chars_result parse_float(const char* begin, const char* end, float& value) {
  const char* p = begin;
  if (p != end && *p == '+' && p + 1 != end && p[1] != '-') ++p;
  return std::from_chars(p, end, value);
}

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// One field of a record: its text (without quotes and surrounding blanks) and where it starts.
struct Field {
  std::string_view text;
  const char* start;  // first character of the field in the buffer (the quote, if quoted)
  bool quoted = false;
  bool has_escapes = false;  // quoted text containing "" (an escaped quote)
};

enum class Role { feature, target, ignored };

class CsvParser {
 public:
  CsvParser(const std::filesystem::path& path, const CsvOptions& options)
      : path_(path), options_(options), file_(open_file(path)), buffer_(kBlockSize) {}

  Dataset parse();

 private:
  // --- streaming ---
  /// Makes [pos_, end) hold a complete record (or the rest of the file at EOF); false at EOF with
  /// nothing left. Sets record_end_ to the terminating '\n' (or end of data).
  bool next_record();
  void refill();
  // --- fields ---
  Field next_field(const char*& p, const char* end);
  std::string_view unescaped(const Field& field);
  [[noreturn]] void fail(const char* at, std::string what, std::string hint) const;
  std::string where(const char* at) const;
  // --- parts ---
  void read_header();
  void read_row(std::size_t row);
  void read_target(const Field& field, std::size_t row);
  float parse_feature(const char*& p, const char* end, std::size_t column);
  void finish_target(Dataset& data, std::size_t rows);

  const std::filesystem::path& path_;
  const CsvOptions& options_;
  File file_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;  // unread data is buffer_[pos_, end_)
  bool eof_ = false;
  const char* record_begin_ = nullptr;
  const char* record_end_ = nullptr;
  std::size_t line_ = 1;       // physical line of record_begin_
  std::size_t next_line_ = 1;  // physical line of the record after this one

  std::vector<std::string> columns_;
  std::vector<Role> roles_;
  std::size_t target_column_ = 0;
  std::size_t num_features_ = 0;

  Matrix x_;
  std::vector<float> target_value_;    // per row; NaN when the text is not a number
  std::vector<std::int32_t> text_id_;  // per row: first-seen id of the target text, -1 if untracked
  std::unordered_map<std::string, std::int32_t, TransparentHash, std::equal_to<>> texts_;
  bool texts_overflow_ = false;
  bool all_numeric_ = true;
  std::string first_text_where_, first_text_;
  std::string scratch_;
};

void CsvParser::refill() {
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

bool CsvParser::next_record() {
  line_ = next_line_;
  for (;;) {
    const char* begin = buffer_.data() + pos_;
    const char* end = buffer_.data() + end_;
    const char* nl = static_cast<const char*>(std::memchr(begin, '\n', end - begin));
    const char* stop = nl ? nl : end;
    std::size_t inner_lines = 0;
    if (std::memchr(begin, '"', stop - begin)) {
      // Quote-aware scan: a '\n' inside quotes does not end the record ("" toggles twice).
      bool quoted = false;
      nl = nullptr;
      for (const char* q = begin; q != end; ++q) {
        if (*q == '"') {
          quoted = !quoted;
        } else if (*q == '\n') {
          if (!quoted) {
            nl = q;
            break;
          }
          ++inner_lines;
        }
      }
    }
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

std::string CsvParser::where(const char* at) const {
  std::size_t line = line_;
  const char* line_start = record_begin_;
  for (const char* q = record_begin_; q < at; ++q) {
    if (*q == '\n') ++line, line_start = q + 1;
  }
  return fmt::format("{}:{}:{}", path_.string(), line, at - line_start + 1);
}

void CsvParser::fail(const char* at, std::string what, std::string hint) const {
  throw DataError(std::move(what), where(at), std::move(hint));
}

Field CsvParser::next_field(const char*& p, const char* end) {
  const char delimiter = options_.delimiter;
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

std::string_view CsvParser::unescaped(const Field& field) {
  if (!field.has_escapes) return field.text;
  scratch_.clear();
  for (std::size_t i = 0; i < field.text.size(); ++i) {
    scratch_ += field.text[i];
    if (field.text[i] == '"') ++i;  // "" -> "
  }
  return scratch_;
}

void CsvParser::read_header() {
  // Skip leading empty lines; the first non-empty line is the header.
  do {
    if (!next_record()) {
      throw DataError("the CSV file is empty", path_.string(),
                      "the first line must name the columns, e.g. x1,x2,label");
    }
  } while (record_begin_ == record_end_);
  const char* p = record_begin_;
  for (;;) {
    Field field = next_field(p, record_end_);
    std::string name(unescaped(field));
    if (name.empty()) {
      fail(field.start, fmt::format("column {} of the header has no name", columns_.size() + 1),
           "give every column a name (a pandas index column? write the CSV with index=False)");
    }
    if (std::find(columns_.begin(), columns_.end(), name) != columns_.end()) {
      fail(field.start, fmt::format("duplicate column name '{}' in the header", shown(name)),
           "column names must be unique");
    }
    columns_.push_back(std::move(name));
    if (p == record_end_) break;
    ++p;  // the delimiter
  }

  if (options_.target.empty()) {
    throw ConfigError(
        "no target column given", path_.string(),
        fmt::format("name the column to predict; the columns are: {}", fmt::join(columns_, ", ")));
  }
  auto target = std::find(columns_.begin(), columns_.end(), options_.target);
  if (target == columns_.end()) {
    std::string guess = closest_match(options_.target, columns_);
    throw DataError(fmt::format("no column named '{}'", options_.target), path_.string(),
                    guess.empty() ? fmt::format("the columns are: {}", fmt::join(columns_, ", "))
                                  : fmt::format("did you mean '{}'?", guess));
  }
  target_column_ = static_cast<std::size_t>(target - columns_.begin());
  roles_.assign(columns_.size(), Role::feature);
  roles_[target_column_] = Role::target;
  for (const auto& name : options_.ignore) {
    auto it = std::find(columns_.begin(), columns_.end(), name);
    if (it == columns_.end()) {
      std::string guess = closest_match(name, columns_);
      throw ConfigError(
          fmt::format("cannot ignore column '{}': there is no such column", name), path_.string(),
          guess.empty() ? fmt::format("the columns are: {}", fmt::join(columns_, ", "))
                        : fmt::format("did you mean '{}'?", guess));
    }
    if (it == target) {
      throw ConfigError(fmt::format("the target column '{}' is also ignored", name), path_.string(),
                        "remove it from the ignored columns");
    }
    roles_[static_cast<std::size_t>(it - columns_.begin())] = Role::ignored;
  }
  num_features_ = static_cast<std::size_t>(std::count(roles_.begin(), roles_.end(), Role::feature));
  if (num_features_ == 0) {
    throw DataError("no feature columns besides the target", path_.string(),
                    "the CSV needs at least one numeric column besides the target");
  }
}

float CsvParser::parse_feature(const char*& p, const char* end, std::size_t column) {
  // Fast path: an unquoted number parsed in place, followed by blanks and the delimiter.
  const char* q = p;
  while (q != end && is_blank(*q)) ++q;
  float value;
  auto [stop, ec] = parse_float(q, end, value);
  if (ec == std::errc{} && stop != q) {
    const char* after = stop;
    while (after != end && is_blank(*after)) ++after;
    if ((after == end || *after == options_.delimiter) && std::isfinite(value)) {
      p = after;
      return value;
    }
  }
  // Slow path: quoted, bad, empty or non-finite; find the whole field and judge it.
  Field field = next_field(p, end);
  const std::string& name = columns_[column];
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

void CsvParser::read_target(const Field& field, std::size_t row) {
  std::string_view text = unescaped(field);
  if (text.empty()) {
    fail(field.start, fmt::format("empty target cell in column '{}'", columns_[target_column_]),
         "every row needs a target value: fill or drop this row");
  }
  float value;
  auto [stop, ec] = parse_float(text.data(), text.data() + text.size(), value);
  bool numeric = ec == std::errc{} && stop == text.data() + text.size();
  if (numeric && !std::isfinite(value)) {
    fail(
        field.start,
        fmt::format("non-finite target '{}' in column '{}'", shown(text), columns_[target_column_]),
        "replace or drop NaN and infinite values before training");
  }
  if (!numeric && all_numeric_) {
    all_numeric_ = false;
    first_text_where_ = where(field.start);
    first_text_ = shown(text);
  }
  target_value_[row] = numeric ? value : std::numeric_limits<float>::quiet_NaN();

  std::int32_t id = -1;
  if (!texts_overflow_) {
    auto it = texts_.find(text);
    if (it != texts_.end()) {
      id = it->second;
    } else if (texts_.size() < options_.max_classes) {
      id = static_cast<std::int32_t>(texts_.size());
      texts_.emplace(std::string(text), id);
    } else {
      texts_overflow_ = true;
    }
  }
  if (texts_overflow_ && !all_numeric_) {
    fail(field.start,
         fmt::format("the target column '{}' has text labels and more than {} distinct values",
                     columns_[target_column_], options_.max_classes),
         "a classification target needs few classes; a regression target must be numeric");
  }
  text_id_[row] = id;
}

void CsvParser::read_row(std::size_t row) {
  const char* p = record_begin_;
  const char* end = record_end_;
  float* out = x_.row(static_cast<Eigen::Index>(row)).data();
  std::size_t column = 0;
  for (;; ++column) {
    if (column == columns_.size()) {
      fail(p, fmt::format("the row has more than the header's {} fields", columns_.size()),
           "look for an extra delimiter; quote fields that contain one");
    }
    switch (roles_[column]) {
      case Role::feature:
        *out++ = parse_feature(p, end, column);
        break;
      case Role::target:
        read_target(next_field(p, end), row);
        break;
      case Role::ignored:
        next_field(p, end);
        break;
    }
    if (p == end) break;
    ++p;  // the delimiter
  }
  if (column + 1 != columns_.size()) {
    fail(end,
         fmt::format("the row has {} fields but the header has {}", column + 1, columns_.size()),
         "look for a missing value or delimiter in this row");
  }
}

void CsvParser::finish_target(Dataset& data, std::size_t rows) {
  const std::string& name = columns_[target_column_];
  const std::optional<Task>& forced = options_.task;
  if (!all_numeric_) {
    if (forced == Task::regression) {
      throw DataError(
          fmt::format("the regression target '{}' is not a number: '{}'", name, first_text_),
          first_text_where_, "use the classification task or a numeric target");
    }
    // Classes: the distinct texts sorted bytewise; class id = rank.
    std::vector<std::pair<std::string_view, std::int32_t>> sorted(texts_.begin(), texts_.end());
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::int32_t> rank(sorted.size());
    data.class_names.reserve(sorted.size());
    for (std::size_t r = 0; r < sorted.size(); ++r) {
      rank[static_cast<std::size_t>(sorted[r].second)] = static_cast<std::int32_t>(r);
      data.class_names.emplace_back(sorted[r].first);
    }
    data.labels.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      data.labels[i] = rank[static_cast<std::size_t>(text_id_[i])];
    }
    data.task = Task::classification;
    return;
  }
  bool integral = std::all_of(target_value_.begin(), target_value_.begin() + rows,
                              [](float v) { return v == std::nearbyint(v); });
  std::vector<float> distinct;
  if (forced == Task::classification || (!forced && integral)) {
    distinct.assign(target_value_.begin(), target_value_.begin() + rows);
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  }
  bool classify = forced == Task::classification ||
                  (!forced && integral && distinct.size() <= options_.max_auto_classes);
  if (!classify) {
    data.task = Task::regression;
    data.y = Eigen::Map<const Vector>(target_value_.data(), static_cast<Eigen::Index>(rows));
    return;
  }
  if (distinct.size() > options_.max_classes) {
    throw DataError(fmt::format("the classification target '{}' has {} distinct values (more than "
                                "{})",
                                name, distinct.size(), options_.max_classes),
                    path_.string(), "is it a regression target?");
  }
  // Classes: the distinct values in increasing order, named by their shortest text.
  data.task = Task::classification;
  data.class_names.reserve(distinct.size());
  for (float v : distinct) data.class_names.push_back(fmt::format("{}", v));
  data.labels.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    data.labels[i] = static_cast<std::int32_t>(
        std::lower_bound(distinct.begin(), distinct.end(), target_value_[i]) - distinct.begin());
  }
}

Dataset CsvParser::parse() {
  std::size_t capacity = count_lines(path_);
  refill();
  // A UTF-8 byte order mark (written by some spreadsheet programs) is not part of the header.
  if (end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  read_header();
  x_.resize(static_cast<Eigen::Index>(capacity), static_cast<Eigen::Index>(num_features_));
  target_value_.resize(capacity);
  text_id_.resize(capacity);

  std::size_t rows = 0;
  while (next_record()) {
    if (record_begin_ == record_end_) continue;  // empty line
    if (rows == capacity) {                      // the file grew since it was counted
      capacity *= 2;
      x_.conservativeResize(static_cast<Eigen::Index>(capacity), Eigen::NoChange);
      target_value_.resize(capacity);
      text_id_.resize(capacity);
    }
    read_row(rows++);
  }
  if (rows == 0) {
    throw DataError("the CSV file has a header but no data rows", path_.string(),
                    "add rows below the header");
  }

  Dataset data;
  finish_target(data, rows);
  // Row-major with unchanged columns: shrinking is one realloc, no copy.
  x_.conservativeResize(static_cast<Eigen::Index>(rows), Eigen::NoChange);
  data.x = std::move(x_);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (roles_[c] == Role::feature) data.feature_names.push_back(columns_[c]);
  }
  data.target_name = columns_[target_column_];
  data.source = path_.string();
  return data;
}

}  // namespace

Dataset read_csv(const std::filesystem::path& path, const CsvOptions& options) {
  return CsvParser(path, options).parse();
}

}  // namespace descent::data
