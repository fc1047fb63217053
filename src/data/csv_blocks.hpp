#pragma once
// The data part of a CSV file (after its header) read in rounds of whole records, each round cut
// into pieces of whole records so that threads can parse the pieces side by side. The next round is
// read, cut and counted by one of those threads (read_ahead) while the others parse the current
// one (double buffering), so the parsing threads never wait for the file. Memory is two rounds
// (`pieces` x kPieceBytes each, plus a record longer than that) whatever the file size.
// Record ends are found as CsvTokenizer finds them (quote-aware). Internal to src/data.
#include <cstddef>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <string_view>
#include <vector>

namespace descent::data::detail {

class CsvBlocks {
 public:
  /// Bytes of text per piece in a full round.
  static constexpr std::size_t kPieceBytes = std::size_t{1} << 18;
  /// A round shorter than pieces x this is cut into fewer pieces (a small file: one).
  static constexpr std::size_t kMinPieceBytes = std::size_t{64} << 10;
  /// Readable bytes after every piece's text (after the round's text: zeros), for parsers that
  /// read a word at a time.
  static constexpr std::size_t kPadding = 16;

  struct Piece {
    std::string_view text;  // non-empty, ending after a record's '\n' (or at the end of the file)
    /// The most rows the text can hold: its line ends + 1, and no more than a row of empty cells
    /// (delimiters and a line end: `columns` bytes) per `columns` bytes.
    std::size_t max_rows;
  };

  /// Continues reading `file` (owned by the caller, named `path` in errors) after the bytes
  /// `already_read` taken from it, which start at a record, of `columns` columns. `pieces` >= 1.
  CsvBlocks(const std::filesystem::path& path, std::FILE* file, std::string_view already_read,
            std::size_t pieces, std::size_t columns);
  CsvBlocks(const CsvBlocks&) = delete;
  CsvBlocks& operator=(const CsvBlocks&) = delete;

  /// Reads the round after the current one (before the first next(): the first round) into the
  /// other buffer; its read error is kept for next(). May run on another thread than the caller's,
  /// beside the parsing of the current round's pieces, at most once per round.
  void read_ahead() noexcept;
  /// Makes the round read ahead the current one (reading it first if read_ahead() was not called
  /// since the last next()), rethrowing its read error; false when the file has no more text. The
  /// previous round's pieces become invalid.
  bool next();
  /// Whether the current round ends the file (read_ahead() then has nothing to read).
  bool ends_file() const { return eof_; }
  /// The current round's pieces in file order.
  const std::vector<Piece>& pieces() const { return current().pieces; }

 private:
  struct AlignedDelete {
    std::align_val_t alignment;
    void operator()(char* p) const { ::operator delete[](p, alignment); }
  };
  struct Round {
    std::unique_ptr<char[], AlignedDelete> buffer;
    std::size_t size = 0;       // not counting kPadding
    std::size_t filled = 0;     // buffer[0, filled) holds text
    std::size_t round_end = 0;  // the round is buffer[0, round_end)
    bool quotes = false;        // the round contains '"' (the slow, quote-aware cuts)
    std::vector<Piece> pieces;
  };

  const Round& current() const { return rounds_[current_]; }
  /// Grows the buffer to `size` bytes (and kPadding), keeping its text; new bytes are not
  /// initialized.
  static void resize(Round& round, std::size_t size);
  /// Fills `round` (which already holds the previous round's unfinished record), finds its last
  /// record end, cuts and counts its pieces; false when the file has no more text.
  bool prepare(Round& round);
  void fill(Round& round);
  /// Sets round_end after the last record end in the buffer (all of it at the end of the file);
  /// false when it holds no whole record.
  bool find_round_end(Round& round) const;
  void cut_pieces(Round& round) const;

  const std::filesystem::path& path_;
  std::FILE* file_;
  std::size_t max_pieces_;
  std::size_t columns_;
  bool eof_ = false;  // written by prepare() only
  Round rounds_[2];
  int current_ = 1;       // the round read ahead is the other one
  bool started_ = false;  // a round was made current
  // The outcome of the last read_ahead(), if not taken by next() yet.
  bool ahead_read_ = false, ahead_has_text_ = false;
  std::exception_ptr ahead_error_;
};

}  // namespace descent::data::detail
