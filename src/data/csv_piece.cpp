#include "csv_piece.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "plain_decimal.hpp"

namespace descent::data::detail {

const char* CsvPiece::record_at(const char* p, const char*& last) {
  const char* const end = text_.data() + text_.size();
  std::size_t inner_lines = 0;
  const char* nl = find_record_end(p, end, inner_lines);
  const char* record_end = nl ? nl : end;
  lines_ += inner_lines + (nl ? 1 : 0);
  // CRLF: the '\r' belongs to the line end, not to the last field.
  last = record_end != p && record_end[-1] == '\r' ? record_end - 1 : record_end;
  return nl ? nl + 1 : end;
}

template <class Row>
void CsvPiece::for_each_record(Row&& row) {
  const char* p = text_.data();
  const char* const end = p + text_.size();
  while (p != end) {
    const char* last;
    const char* next = record_at(p, last);
    if (last != p && !row(p, last)) return;
    p = next;
  }
}

void CsvPiece::parse(std::string_view text, bool track_texts, float* features) {
  text_ = text;
  features_ = features;
  track_texts_ = track_texts;
  rows_ = lines_ = 0;
  target_values_.clear();
  text_ids_.clear();
  texts_.clear();
  texts_by_id_.clear();
  short_texts_.fill({});
  failure_.reset();
  // The plain rows' scans stop at the text's last line end, or at its end when it has none after
  // its last record.
  const char* const end = text.data() + text.size();
  const char* const limit = !text.empty() && end[-1] == '\n' ? end - 1 : end;
  try {
    // Each record as a plain row up to its line end (found on the way), else found first (one more
    // pass over it) and read by read_row; empty records are skipped (as for_each_record does).
    for (const char* p = text.data(); p != end;) {
      float* out = features_ + rows_ * layout_.features;
      if (const char* line_end = read_plain_row(p, limit, out)) {
        ++rows_;
        lines_ += line_end != end;
        p = line_end == end ? end : line_end + 1;
        continue;
      }
      const char* last;
      const char* next = record_at(p, last);
      if (last != p) {
        read_row(p, last, out);
        ++rows_;
      }
      p = next;
    }
  } catch (Failure& failure) {
    failure_ = std::move(failure);
  }
}

void CsvPiece::read_row(const char* p, const char* end, float* out) {
  const std::vector<std::string>& columns = layout_.columns;
  std::size_t column = 0;
  for (;; ++column) {
    if (column == columns.size()) {
      fail(p, fmt::format("the row has more than the header's {} fields", columns.size()),
           "look for an extra delimiter; quote fields that contain one");
    }
    switch (layout_.roles[column]) {
      case Role::feature:
        *out++ = number(p, end, columns[column]);
        break;
      case Role::target: {
        const Field field = next_field(p, end);
        read_target(unescaped(field), field.start);
        break;
      }
      case Role::ignored:
        next_field(p, end);
        break;
    }
    if (p == end) break;
    ++p;  // the delimiter
  }
  if (column + 1 != columns.size()) {
    fail(end,
         fmt::format("the row has {} fields but the header has {}", column + 1, columns.size()),
         "look for a missing value or delimiter in this row");
  }
}

const char* CsvPiece::read_plain_row(const char* p, const char* limit, float* out) {
  const char delimiter = delimiter_;
  // A delimiter that is also a line end or a quote: every row is left to read_row.
  if (delimiter == '\n' || delimiter == '\r' || delimiter == '"') return nullptr;
  // A limit before the end of the text is its last line end, after which a number cannot go on
  // and which CsvBlocks' padding follows.
  const bool padded = limit != text_.data() + text_.size();
  const char* target = nullptr;
  const char* target_end = nullptr;
  const std::size_t columns = layout_.columns.size();
  for (std::size_t column = 0; column < columns; ++column) {
    if (column > 0) {
      if (p == limit || *p != delimiter) return nullptr;  // fewer fields than the header
      ++p;
    }
    if (layout_.roles[column] == Role::feature) {
      p = padded ? parse_plain_decimal<true>(p, limit, *out++)
                 : parse_plain_decimal(p, limit, *out++);
      if (!p) return nullptr;
    } else {
      const char* cell = p;
      while (p != limit && *p != delimiter && *p != '\n' && *p != '\r' && *p != '"') ++p;
      if (cell != p && (is_blank(*cell) || is_blank(p[-1]))) return nullptr;
      if (layout_.roles[column] == Role::target) target = cell, target_end = p;
    }
  }
  // The record ends here, at a line end ("\n" or "\r\n") or at the end of the text; not at a
  // quote, a lone '\r' or another delimiter (more fields than the header).
  if (p != limit && *p == '\r') ++p;
  if (p != limit && *p != '\n') return nullptr;
  read_target(std::string_view(target, target_end - target), target);
  return p;
}

void CsvPiece::read_target(std::string_view text, const char* start) {
  const std::string& name = layout_.columns[layout_.target_column];
  if (text.empty()) {
    fail(start, fmt::format("empty target cell in column '{}'", name),
         "every row needs a target value: fill or drop this row");
  }
  // A short text seen before in the piece (a class label): its value and id from the cache.
  std::uint64_t key = 0;
  ShortText* cached = nullptr;
  if (track_texts_ && text.size() < sizeof key) {
    for (std::size_t i = 0; i < text.size(); ++i)
      key |= std::uint64_t{static_cast<unsigned char>(text[i])} << (8 * i);
    key |= std::uint64_t{text.size()} << 56;  // never 0: the text is not empty
    // Fibonacci hashing: the top bits of key * 2^64 / golden ratio.
    cached = &short_texts_[(key * 0x9E3779B97F4A7C15) >> (64 - kShortTextsBits)];
    if (cached->key == key) {
      target_values_.push_back(cached->value);
      text_ids_.push_back(cached->id);
      return;
    }
  }
  float value;
  auto [stop, ec] = parse_float(text.data(), text.data() + text.size(), value);
  const bool numeric = ec == std::errc{} && stop == text.data() + text.size();
  if (numeric && !std::isfinite(value)) {
    fail(start, fmt::format("non-finite target '{}' in column '{}'", shown(text), name),
         "replace or drop NaN and infinite values before training");
  }
  target_values_.push_back(numeric ? value : std::numeric_limits<float>::quiet_NaN());
  std::int32_t id = -1;
  if (track_texts_) {
    if (auto it = texts_.find(text); it != texts_.end()) {
      id = it->second;
    } else if (texts_.size() < max_texts_) {
      id = static_cast<std::int32_t>(texts_.size());
      texts_by_id_.push_back(&texts_.emplace(std::string(text), id).first->first);
    } else {
      track_texts_ = false;  // more distinct texts than the reader can keep: ids stop here
    }
  }
  if (cached && id >= 0) *cached = {key, id, target_values_.back()};
  text_ids_.push_back(id);
}

Field CsvPiece::target_field(std::size_t row) {
  Field target{};
  std::size_t seen = 0;
  const std::size_t lines = lines_;  // for_each_record counts them again
  for_each_record([&](const char* p, const char* end) {
    if (seen++ < row) return true;
    for (std::size_t column = 0; column < layout_.target_column; ++column) {
      next_field(p, end);
      ++p;  // the delimiter
    }
    target = next_field(p, end);
    return false;
  });
  lines_ = lines;
  return target;
}

std::string CsvPiece::where(const std::filesystem::path& path, std::size_t first_line,
                            const char* at) const {
  const char* begin = text_.data();
  const auto line = first_line + static_cast<std::size_t>(std::count(begin, at, '\n'));
  const char* line_start = at;
  while (line_start != begin && line_start[-1] != '\n') --line_start;
  return fmt::format("{}:{}:{}", path.string(), line, at - line_start + 1);
}

}  // namespace descent::data::detail
