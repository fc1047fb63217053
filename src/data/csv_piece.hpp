#pragma once
// The rows of one piece of a CSV round (csv_blocks.hpp), parsed on one thread: feature cells into
// rows of the caller's row-major float matrix, the target cell into its value and an id of its
// text local to the piece. What depends on the rows before the piece (the target's classes, its
// first text) is decided afterwards, in file order, by the reader. Internal to src/data.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "csv_tokenizer.hpp"

namespace descent::data::detail {

enum class Role : std::uint8_t { feature, target, ignored };

/// The columns of a CSV file as the reader uses them.
struct CsvLayout {
  std::vector<std::string> columns;
  std::vector<Role> roles;  // per column
  std::size_t target_column = 0;
  std::size_t features = 0;  // columns with Role::feature
};

class CsvPiece : public CsvLexer {
 public:
  /// A bad cell: where, what and a hint (located as file:line:column by the reader).
  struct Failure {
    const char* at;
    std::string what, hint;
  };

  CsvPiece(const CsvLayout& layout, char delimiter, std::size_t max_texts)
      : CsvLexer(delimiter), layout_(layout), max_texts_(max_texts) {}

  /// Parses the records of `text` (which must outlive the results and be followed by
  /// CsvBlocks::kPadding readable bytes), up to the first bad cell
  /// (failure()), writing the features of row r to features[r * layout.features, ...) (room for
  /// CsvBlocks::Piece::max_rows rows). Target texts get local ids (first seen = 0, 1, ...) while
  /// `track_texts` and fewer than max_texts distinct ones were seen; else -1.
  void parse(std::string_view text, bool track_texts, float* features);

  std::size_t rows() const { return rows_; }    // rows parsed whole
  std::size_t lines() const { return lines_; }  // '\n' in the text (when parsed to its end)
  /// Per row whose target was read (rows(), and the failing row when its target came first):
  /// the target's value (NaN when not a number) and its local text id.
  const std::vector<float>& target_values() const { return target_values_; }
  const std::vector<std::int32_t>& text_ids() const { return text_ids_; }
  const std::string& text(std::int32_t id) const { return *texts_by_id_[id]; }
  const std::optional<Failure>& failure() const { return failure_; }

  /// The target field of a row (re-read from the text: for messages).
  Field target_field(std::size_t row);
  /// "file:line:column" of a position in the text, whose first byte is on line `first_line`.
  std::string where(const std::filesystem::path& path, std::size_t first_line,
                    const char* at) const;

  [[noreturn]] void fail(const char* at, std::string what, std::string hint) const override {
    throw Failure{at, std::move(what), std::move(hint)};
  }

 private:
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  /// The record at p (without its line end: [p, last), empty for an empty line); returns where the
  /// next one starts and counts the lines.
  const char* record_at(const char* p, const char*& last);
  /// Calls row(begin, end) for each non-empty record of the text, in order.
  template <class Row>
  void for_each_record(Row&& row);
  /// The row's cells into `out` and the target's value and text id; fail() at its first bad cell.
  void read_row(const char* p, const char* end, float* out);
  /// The common row, read without the general lexer and without finding its end first: every
  /// feature a plain decimal (parse_plain_decimal) and the target and ignored cells without a quote
  /// or line end and not starting or ending with a blank, in as many fields as the header has,
  /// then a line end or `limit` (the text's last line end or its end). Returns the record's end
  /// (its '\n' or `limit`); nullptr for any other record (its target not read yet), which
  /// read_row then reads again (and reports, if bad).
  const char* read_plain_row(const char* p, const char* limit, float* out);
  /// The target's text (unquoted and unescaped), which starts at `start` in the piece.
  void read_target(std::string_view text, const char* start);

  const CsvLayout& layout_;
  std::size_t max_texts_;
  std::string_view text_;
  bool track_texts_ = true;
  std::size_t rows_ = 0, lines_ = 0;
  float* features_ = nullptr;
  std::vector<float> target_values_;
  std::vector<std::int32_t> text_ids_;
  std::unordered_map<std::string, std::int32_t, TransparentHash, std::equal_to<>> texts_;
  std::vector<const std::string*> texts_by_id_;
  /// Target texts of up to 7 bytes with an id, by their bytes and length (key; 0: empty slot),
  /// direct-mapped: most rows' target is one comparison, not a hash, a string comparison and a
  /// float parse.
  struct ShortText {
    std::uint64_t key = 0;
    std::int32_t id = -1;
    float value = 0;
  };
  static constexpr int kShortTextsBits = 6;
  std::array<ShortText, std::size_t{1} << kShortTextsBits> short_texts_;
  std::optional<Failure> failure_;
};

}  // namespace descent::data::detail
