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

#include "csv_tokenizer.hpp"
#include "descent/core/error.hpp"
#include "descent/core/memory_budget.hpp"
#include "descent/core/utf8.hpp"

namespace descent::data {

namespace {

using detail::Field;
using detail::parse_float;
using detail::shown;

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

enum class Role { feature, target, ignored };

class CsvParser {
 public:
  CsvParser(const std::filesystem::path& path, const CsvOptions& options)
      : path_(path), options_(options), tok_(path, options.delimiter) {}

  Dataset parse();

 private:
  [[noreturn]] void fail(const char* at, std::string what, std::string hint) const {
    tok_.fail(at, std::move(what), std::move(hint));
  }
  void read_header();
  void read_row(std::size_t row);
  void read_target(const Field& field, std::size_t row);
  void finish_target(Dataset& data, std::size_t rows);

  const std::filesystem::path& path_;
  const CsvOptions& options_;
  detail::CsvTokenizer tok_;

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
};

void CsvParser::read_header() {
  columns_ = tok_.read_header();

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

void CsvParser::read_target(const Field& field, std::size_t row) {
  std::string_view text = tok_.unescaped(field);
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
    first_text_where_ = tok_.where(field.start);
    first_text_ = shown(text);
  }
  target_value_[row] = numeric ? value : std::numeric_limits<float>::quiet_NaN();

  std::int32_t id = -1;
  if (!texts_overflow_) {
    auto it = texts_.find(text);
    if (it != texts_.end()) {
      id = it->second;
    } else if (texts_.size() < options_.max_classes) {
      if (const auto bad = first_invalid_utf8(text); bad != std::string::npos)
        fail(field.start,
             fmt::format("the label in column '{}' is not UTF-8 text (byte 0x{:02x} at offset {})",
                         columns_[target_column_], static_cast<unsigned char>(text[bad]), bad),
             "save the file as UTF-8, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8.csv");
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
  const char* p = tok_.record_begin();
  const char* end = tok_.record_end();
  float* out = x_.row(static_cast<Eigen::Index>(row)).data();
  std::size_t column = 0;
  for (;; ++column) {
    if (column == columns_.size()) {
      fail(p, fmt::format("the row has more than the header's {} fields", columns_.size()),
           "look for an extra delimiter; quote fields that contain one");
    }
    switch (roles_[column]) {
      case Role::feature:
        *out++ = tok_.number(p, end, columns_[column]);
        break;
      case Role::target:
        read_target(tok_.next_field(p, end), row);
        break;
      case Role::ignored:
        tok_.next_field(p, end);
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
  std::size_t capacity = detail::count_lines(path_);
  read_header();
  // A data row holds a delimiter between its columns and a newline: at least columns_.size()
  // bytes, so the file's size bounds the rows however many blank lines it has.
  std::error_code ec;
  if (const auto bytes = std::filesystem::file_size(path_, ec); !ec)
    capacity = std::min<std::size_t>(capacity, bytes / columns_.size() + 1);
  const double needed =
      static_cast<double>(capacity) * static_cast<double>(num_features_ + 2) * sizeof(float);
  if (const auto shortfall =
          memory_shortfall(needed, fmt::format("{} rows x {} columns", capacity, columns_.size()));
      !shortfall.empty())
    throw DataError(shortfall, path_.string(), "use fewer rows or columns (--ignore COLUMNS)");
  x_.resize(static_cast<Eigen::Index>(capacity), static_cast<Eigen::Index>(num_features_));
  target_value_.resize(capacity);
  text_id_.resize(capacity);

  std::size_t rows = 0;
  while (tok_.next_record()) {
    if (tok_.record_begin() == tok_.record_end()) continue;  // empty line
    if (rows == capacity) {                                  // the file grew since it was counted
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
