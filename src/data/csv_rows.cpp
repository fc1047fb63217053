#include "descent/data/csv_rows.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "csv_tokenizer.hpp"
#include "descent/core/error.hpp"

namespace descent::data {

namespace {
constexpr long kPassthrough = -1, kUnused = -2;
}

CsvRowReader::CsvRowReader(const std::filesystem::path& path, std::vector<std::string> features,
                           std::string passthrough, char delimiter)
    : tok_(std::make_unique<detail::CsvTokenizer>(path, delimiter)), features_(features.size()) {
  columns_ = tok_->read_header();
  slot_.assign(columns_.size(), kUnused);
  for (std::size_t f = 0; f < features.size(); ++f) {
    const auto it = std::find(columns_.begin(), columns_.end(), features[f]);
    if (it == columns_.end()) {
      const std::string guess = closest_match(features[f], columns_);
      throw DataError(fmt::format("no feature column '{}' (the model needs {})", features[f],
                                  fmt::join(features, ", ")),
                      path.string(),
                      guess.empty() ? fmt::format("the columns are: {}", fmt::join(columns_, ", "))
                                    : fmt::format("did you mean '{}'?", guess));
    }
    slot_[static_cast<std::size_t>(it - columns_.begin())] = static_cast<long>(f);
  }
  const auto it = std::find(columns_.begin(), columns_.end(), passthrough);
  if (!passthrough.empty() && it != columns_.end() && slot_[it - columns_.begin()] == kUnused) {
    passthrough_column_ = it - columns_.begin();
    slot_[static_cast<std::size_t>(passthrough_column_)] = kPassthrough;
  }
  for (std::size_t c = 0; c < columns_.size(); ++c)
    if (slot_[c] == kUnused) unused_.push_back(columns_[c]);
}

CsvRowReader::~CsvRowReader() = default;

std::size_t CsvRowReader::next(std::size_t max_rows, std::size_t max_bytes, Matrix& x,
                               std::vector<std::string>& passthrough) {
  const std::size_t row_bytes = std::max<std::size_t>(1, features_) * sizeof(float);
  max_rows = std::clamp<std::size_t>(max_bytes / row_bytes, 1, std::max<std::size_t>(1, max_rows));
  x.resize(static_cast<Eigen::Index>(max_rows), static_cast<Eigen::Index>(features_));
  passthrough.clear();
  std::size_t n = 0, text_bytes = 0;
  while (n < max_rows && n * row_bytes + text_bytes < max_bytes && tok_->next_record()) {
    const char* p = tok_->record_begin();
    const char* end = tok_->record_end();
    if (p == end) continue;  // empty line
    float* out = x.row(static_cast<Eigen::Index>(n)).data();
    std::size_t column = 0;
    for (;; ++column) {
      if (column == columns_.size())
        tok_->fail(p, fmt::format("the row has more than the header's {} fields", columns_.size()),
                   "look for an extra delimiter; quote fields that contain one");
      const long slot = slot_[column];
      if (slot >= 0)
        out[slot] = tok_->number(p, end, columns_[column]);
      else if (slot == kPassthrough)
        text_bytes += passthrough.emplace_back(tok_->unescaped(tok_->next_field(p, end))).size();
      else
        tok_->next_field(p, end);
      if (p == end) break;
      ++p;  // the delimiter
    }
    if (column + 1 != columns_.size())
      tok_->fail(
          end,
          fmt::format("the row has {} fields but the header has {}", column + 1, columns_.size()),
          "look for a missing value or delimiter in this row");
    ++n;
  }
  rows_ += n;
  x.conservativeResize(static_cast<Eigen::Index>(n), Eigen::NoChange);
  return n;
}

}  // namespace descent::data
