#pragma once
// The data part of a CSV file (after its header) read in rounds of whole records, each round cut
// into pieces of whole records so that threads can parse the pieces side by side. Memory is one
// round (`pieces` x kPieceBytes, plus a record longer than that) whatever the file size.
// Record ends are found as CsvTokenizer finds them (quote-aware). Internal to src/data.
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <vector>

namespace descent::data::detail {

class CsvBlocks {
 public:
  /// Bytes of text per piece in a full round.
  static constexpr std::size_t kPieceBytes = std::size_t{1} << 20;
  /// A round shorter than pieces x this is cut into fewer pieces (a small file: one).
  static constexpr std::size_t kMinPieceBytes = std::size_t{64} << 10;

  /// Continues reading `file` (owned by the caller, named `path` in errors) after the bytes
  /// `read_ahead` already taken from it, which start at a record. `pieces` >= 1.
  CsvBlocks(const std::filesystem::path& path, std::FILE* file, std::string_view read_ahead,
            std::size_t pieces);

  /// Reads the next round; false when the file has no more text.
  bool next();
  /// The current round's pieces in file order: non-empty, each ending after a record's '\n'
  /// (or at the end of the file).
  const std::vector<std::string_view>& pieces() const { return pieces_; }

 private:
  void fill();
  /// Sets round_end_ after the last record end in the buffer (all of it at the end of the file);
  /// false when it holds no whole record.
  bool find_round_end();
  void cut_pieces();

  const std::filesystem::path& path_;
  std::FILE* file_;
  std::size_t max_pieces_;
  std::vector<char> buffer_;
  std::size_t filled_ = 0;     // buffer_[0, filled_) holds text
  std::size_t round_end_ = 0;  // the round is buffer_[0, round_end_)
  bool eof_ = false;
  bool quotes_ = false;  // the current round contains '"' (the slow, quote-aware cuts)
  std::vector<std::string_view> pieces_;
};

}  // namespace descent::data::detail
