#include "descent/data/csv_reader.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <future>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "csv_blocks.hpp"
#include "csv_piece.hpp"
#include "csv_tokenizer.hpp"
#include "descent/core/error.hpp"
#include "descent/core/memory_budget.hpp"
#include "descent/core/parallel.hpp"
#include "descent/core/utf8.hpp"

namespace descent::data {

namespace {

using detail::CsvPiece;
using detail::Field;
using detail::Role;
using detail::shown;

constexpr std::size_t kPiecesPerThread = 8;

/// `distinct` = the distinct values in increasing order; false (and `distinct` incomplete) as soon
/// as there are more than `limit`. One pass with a small sorted set, not a sort of all the rows.
bool distinct_up_to(std::span<const float> values, std::size_t limit,
                    std::vector<float>& distinct) {
  distinct.clear();
  for (const float v : values) {
    const auto it = std::lower_bound(distinct.begin(), distinct.end(), v);
    if (it != distinct.end() && *it == v) continue;
    if (distinct.size() == limit) return false;
    distinct.insert(it, v);
  }
  return true;
}

/// Calls body(i) for each i in [0, n) on `team` threads (the caller's and team - 1 more), each
/// taking the next i in turn. The threads wait for each other blocked: OpenMP's default active wait
/// spins, and between the rounds of a file that took a quarter of the CPU of a loaded 2-core
/// machine away from the threads still parsing or reading ahead.
template <class Body>
void in_turn(int team, std::size_t n, Body body) {
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) body(i);
  };
  std::vector<std::future<void>> helpers;
  for (int t = 1; t < team; ++t) helpers.push_back(std::async(std::launch::async, work));
  work();
  for (auto& helper : helpers) helper.get();
}

/// labels[i] = class_of_row(i) for `rows` rows, in huge pages where the system can.
template <class ClassOfRow>
void fill_labels(std::vector<std::int32_t>& labels, std::size_t rows, ClassOfRow class_of_row) {
  labels.reserve(rows);
  advise_huge_pages(labels.data(), rows * sizeof(std::int32_t));
  labels.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) labels[i] = class_of_row(i);
}

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// Reads the header with a CsvTokenizer, then the data in rounds (CsvBlocks) whose pieces are
/// parsed in parallel (CsvPiece); the target's classes are then assigned in file order, so the
/// result and the first error are those of reading the rows one by one.
class CsvParser {
 public:
  CsvParser(const std::filesystem::path& path, const CsvOptions& options)
      : path_(path), options_(options), tok_(path, options.delimiter) {}

  Dataset parse();

 private:
  void read_header();
  /// Reads the data into x_ and the target arrays; returns the row count. Its read buffers are
  /// freed on return, before the labels take their memory.
  std::size_t read_rows();
  /// Takes the target cells of a piece in file order (rows from `row` on; the piece's text starts
  /// on `first_line`), then throws the piece's bad cell, if any.
  void take_targets(CsvPiece& piece, std::size_t row, std::size_t first_line);
  [[noreturn]] void fail_at_target(CsvPiece& piece, std::size_t first_line, std::size_t row,
                                   std::string what, std::string hint);
  /// Makes room for `rows` rows; the capacity is estimated from the share of the file read.
  void reserve_rows(std::size_t rows, double share_read);
  void finish_target(Dataset& data, std::size_t rows);

  const std::filesystem::path& path_;
  const CsvOptions& options_;
  detail::CsvTokenizer tok_;
  detail::CsvLayout layout_;
  const std::vector<std::string>& columns_ = layout_.columns;

  // Per row, grown together by reserve_rows; rows not read yet are not initialized.
  Matrix x_;
  std::size_t capacity_ = 0;
  Vector target_value_;                                     // NaN when the text is not a number
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> text_id_;  // first-seen id of the text, or -1
  std::unordered_map<std::string, std::int32_t, TransparentHash, std::equal_to<>> texts_;
  std::vector<std::int32_t> global_id_;  // per text id of the current piece: id in texts_ or -1
  bool texts_overflow_ = false;
  bool all_numeric_ = true;
  std::string first_text_where_, first_text_;
};

void CsvParser::read_header() {
  layout_.columns = tok_.read_header();

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
  layout_.target_column = static_cast<std::size_t>(target - columns_.begin());
  layout_.roles.assign(columns_.size(), Role::feature);
  layout_.roles[layout_.target_column] = Role::target;
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
    layout_.roles[static_cast<std::size_t>(it - columns_.begin())] = Role::ignored;
  }
  layout_.features = static_cast<std::size_t>(
      std::count(layout_.roles.begin(), layout_.roles.end(), Role::feature));
  if (layout_.features == 0) {
    throw DataError("no feature columns besides the target", path_.string(),
                    "the CSV needs at least one numeric column besides the target");
  }
}

void CsvParser::fail_at_target(CsvPiece& piece, std::size_t first_line, std::size_t row,
                               std::string what, std::string hint) {
  throw DataError(std::move(what), piece.where(path_, first_line, piece.target_field(row).start),
                  std::move(hint));
}

void CsvParser::take_targets(CsvPiece& piece, std::size_t row, std::size_t first_line) {
  const std::string& name = columns_[layout_.target_column];
  const std::vector<float>& values = piece.target_values();
  const std::vector<std::int32_t>& ids = piece.text_ids();
  global_id_.assign(values.size(), -1);  // at least as many as the piece's distinct texts
  for (std::size_t r = 0; r < values.size(); ++r) {
    const bool numeric = !std::isnan(values[r]);
    if (!numeric && all_numeric_) {
      all_numeric_ = false;
      const Field field = piece.target_field(r);
      first_text_where_ = piece.where(path_, first_line, field.start);
      first_text_ = shown(piece.unescaped(field));
    }
    std::int32_t id = -1;
    if (!texts_overflow_) {
      // The piece stops giving ids only after more distinct texts than texts_ keeps.
      const std::int32_t local = ids[r];
      id = global_id_[static_cast<std::size_t>(local)];
      if (id < 0) {
        const std::string& text = piece.text(local);
        if (auto it = texts_.find(text); it != texts_.end()) {
          id = it->second;
        } else if (texts_.size() < options_.max_classes) {
          if (const auto bad = first_invalid_utf8(text); bad != std::string::npos)
            fail_at_target(
                piece, first_line, r,
                fmt::format(
                    "the label in column '{}' is not UTF-8 text (byte 0x{:02x} at offset {})", name,
                    static_cast<unsigned char>(text[bad]), bad),
                "save the file as UTF-8, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8.csv");
          id = static_cast<std::int32_t>(texts_.size());
          texts_.emplace(text, id);
        } else {
          texts_overflow_ = true;
          id = -1;
        }
        global_id_[static_cast<std::size_t>(local)] = id;
      }
    }
    if (texts_overflow_ && !all_numeric_) {
      fail_at_target(
          piece, first_line, r,
          fmt::format("the target column '{}' has text labels and more than {} distinct values",
                      name, options_.max_classes),
          "a classification target needs few classes; a regression target must be numeric");
    }
    if (r < piece.rows()) {
      target_value_[static_cast<Eigen::Index>(row + r)] = values[r];
      text_id_[static_cast<Eigen::Index>(row + r)] = id;
    }
  }
  if (const auto& failure = piece.failure())
    throw DataError(failure->what, piece.where(path_, first_line, failure->at), failure->hint);
}

void CsvParser::reserve_rows(std::size_t rows, double share_read) {
  if (rows <= capacity_) return;
  // The rows so far scaled to the whole file, and never less than half as many again.
  const double estimate = share_read > 0 ? static_cast<double>(rows) / share_read * 1.02 : 0;
  const std::size_t capacity =
      std::max(rows + rows / 2, static_cast<std::size_t>(std::min(estimate, 1e15)) + 16);
  const double needed =
      static_cast<double>(capacity) * static_cast<double>(layout_.features + 2) * sizeof(float);
  if (const auto shortfall =
          memory_shortfall(needed, fmt::format("{} rows x {} columns", capacity, columns_.size()));
      !shortfall.empty())
    throw DataError(shortfall, path_.string(), "use fewer rows or columns (--ignore COLUMNS)");
  // Row-major with unchanged columns: growing is one realloc; rows not yet written are not
  // touched, so they take no memory until they are written, in huge pages where the system can.
  const auto rows_of = static_cast<Eigen::Index>(capacity);
  x_.conservativeResize(rows_of, static_cast<Eigen::Index>(layout_.features));
  target_value_.conservativeResize(rows_of);
  text_id_.conservativeResize(rows_of);
  advise_huge_pages(x_.data(), capacity * layout_.features * sizeof(float));
  advise_huge_pages(target_value_.data(), capacity * sizeof(float));
  advise_huge_pages(text_id_.data(), capacity * sizeof(std::int32_t));
  capacity_ = capacity;
}

void CsvParser::finish_target(Dataset& data, std::size_t rows) {
  const std::string& name = columns_[layout_.target_column];
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
    target_value_ = Vector();  // not needed any more: its memory goes before the labels take theirs
    fill_labels(data.labels, rows, [&](std::size_t i) {
      return rank[static_cast<std::size_t>(text_id_[static_cast<Eigen::Index>(i)])];
    });
    data.task = Task::classification;
    return;
  }
  // With every text tracked, the values of the texts in first-seen order stand for the rows'
  // values (each row has one of these texts, and the first row of each is in that order): the
  // checks below then cost per text, not per row.
  std::vector<float> text_values;
  if (!texts_overflow_) {
    text_values.resize(texts_.size());
    for (const auto& [text, id] : texts_)
      detail::parse_float(text.data(), text.data() + text.size(),
                          text_values[static_cast<std::size_t>(id)]);
  }
  const std::span<const float> values = texts_overflow_
                                            ? std::span<const float>(target_value_.data(), rows)
                                            : std::span<const float>(text_values);
  const bool integral =
      std::all_of(values.begin(), values.end(), [](float v) { return v == std::nearbyint(v); });
  std::vector<float> distinct;
  bool few = false;  // at most max_auto_classes distinct values (max_classes when forced)
  if (forced == Task::classification || (!forced && integral)) {
    few =
        distinct_up_to(values, forced ? options_.max_classes : options_.max_auto_classes, distinct);
    if (!few && forced) {  // all of them, for the error below
      distinct.assign(values.begin(), values.end());
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    }
  }
  bool classify = forced == Task::classification || (!forced && integral && few);
  if (!classify) {
    data.task = Task::regression;
    target_value_.conservativeResize(static_cast<Eigen::Index>(rows));
    data.y = std::move(target_value_);
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
  const auto class_of = [&](float v) {
    return static_cast<std::int32_t>(std::lower_bound(distinct.begin(), distinct.end(), v) -
                                     distinct.begin());
  };
  if (texts_overflow_) {
    fill_labels(data.labels, rows, [&](std::size_t i) { return class_of(target_value_[i]); });
  } else {
    std::vector<std::int32_t> text_classes(text_values.size());
    std::transform(text_values.begin(), text_values.end(), text_classes.begin(), class_of);
    target_value_ = Vector();  // as above
    fill_labels(data.labels, rows, [&](std::size_t i) {
      return text_classes[static_cast<std::size_t>(text_id_[static_cast<Eigen::Index>(i)])];
    });
  }
}

std::size_t CsvParser::read_rows() {
  std::error_code ec;
  const auto file_bytes = std::filesystem::file_size(path_, ec);
  // Eight small pieces per thread, taken in turn: a thread slowed down (a shared machine, or the
  // task that reads the next round) holds the round's end back by one small piece while the others
  // wait. CsvBlocks holds two such rounds: the first task of a round reads the next one, so the
  // threads that parse are never more than the cores.
  const int threads = std::max(1, num_threads());
  const auto count = static_cast<std::size_t>(threads) * kPiecesPerThread;
  detail::CsvBlocks blocks(path_, tok_.file(), tok_.unread(), count, columns_.size());
  std::vector<std::unique_ptr<CsvPiece>> pieces;
  for (std::size_t t = 0; t < count; ++t) {
    pieces.push_back(
        std::make_unique<CsvPiece>(layout_, tok_.delimiter(), options_.max_classes + 1));
  }
  std::vector<std::exception_ptr> errors(count);
  std::vector<std::size_t> first_row(count + 1);
  std::size_t rows = 0, line = tok_.next_line(), bytes_read = 0;
  while (blocks.next()) {
    const std::vector<detail::CsvBlocks::Piece>& text = blocks.pieces();
    // Task 0 reads the next round, if there is one (a small file is one round: one thread). A
    // single parsing thread has it read beside it instead, on a thread of its own, so that the
    // parse does not wait for the file.
    const bool read_beside = threads == 1 && !blocks.ends_file();
    const std::size_t read_task = blocks.ends_file() || read_beside ? 0 : 1;
    const std::size_t tasks = read_task + text.size();
    std::future<void> reading;  // its destructor waits for it, also when a piece's error is thrown
    if (read_beside) reading = std::async(std::launch::async, [&blocks] { blocks.read_ahead(); });
    const int team = static_cast<int>(std::min(tasks, static_cast<std::size_t>(threads)));
    // Each piece parses straight into the matrix, from the row its predecessors can at most fill.
    first_row[0] = rows;
    for (std::size_t i = 0; i < text.size(); ++i) {
      first_row[i + 1] = first_row[i] + text[i].max_rows;
      bytes_read += text[i].text.size();
    }
    reserve_rows(first_row[text.size()],
                 ec ? 0.0 : static_cast<double>(bytes_read) / static_cast<double>(file_bytes));
    const bool track_texts = !texts_overflow_;
    in_turn(team, tasks, [&](std::size_t task) {
      if (task < read_task) return blocks.read_ahead();
      const std::size_t i = task - read_task;
      try {
        pieces[i]->parse(text[i].text, track_texts, x_.data() + first_row[i] * layout_.features);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (errors[i]) std::rethrow_exception(errors[i]);
      take_targets(*pieces[i], rows, line);
      // Rows left unfilled by empty lines or line ends inside quotes: the next rows move up.
      const float* piece_rows = x_.data() + first_row[i] * layout_.features;
      if (first_row[i] != rows) {
        std::copy_n(piece_rows, pieces[i]->rows() * layout_.features,
                    x_.data() + rows * layout_.features);
      }
      rows += pieces[i]->rows();
      line += pieces[i]->lines();
    }
  }
  return rows;
}

Dataset CsvParser::parse() {
  read_header();
  const std::size_t rows = read_rows();
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
    if (layout_.roles[c] == Role::feature) data.feature_names.push_back(columns_[c]);
  }
  data.target_name = columns_[layout_.target_column];
  data.source = path_.string();
  return data;
}

}  // namespace

Dataset read_csv(const std::filesystem::path& path, const CsvOptions& options) {
  return CsvParser(path, options).parse();
}

}  // namespace descent::data
