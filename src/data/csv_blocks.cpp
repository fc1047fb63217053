#include "csv_blocks.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

#include "csv_tokenizer.hpp"
#include "descent/core/error.hpp"
#include "descent/core/memory_budget.hpp"

namespace descent::data::detail {

namespace {

/// The '\n' bytes in [p, end). Counted into 16-bit sums, a block at a time: GCC vectorizes
/// std::count by widening every comparison to a 64-bit lane, half the speed.
std::size_t count_line_ends(const char* p, const char* end) {
  std::size_t total = 0;
  while (p != end) {
    const std::size_t block = std::min<std::size_t>(static_cast<std::size_t>(end - p), 65535);
    std::uint16_t n = 0;
    for (std::size_t i = 0; i < block; ++i) n += p[i] == '\n';
    total += n;
    p += block;
  }
  return total;
}

}  // namespace

CsvBlocks::CsvBlocks(const std::filesystem::path& path, std::FILE* file,
                     std::string_view already_read, std::size_t pieces, std::size_t columns)
    : path_(path), file_(file), max_pieces_(std::max<std::size_t>(1, pieces)), columns_(columns) {
  // Sized to the input: a small file costs a small buffer.
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  const std::size_t round = max_pieces_ * kPieceBytes;
  Round& first = rounds_[0];
  resize(first,
         std::max(already_read.size(), ec ? round : std::min<std::size_t>(bytes, round)) + 1);
  std::memcpy(first.buffer.get(), already_read.data(), already_read.size());
  first.filled = already_read.size();
}

void CsvBlocks::resize(Round& round, std::size_t size) {
  // A large buffer is aligned to huge pages: a few page faults, not one per 4 KiB. A small one
  // (a small file) is not: the alignment would cost more than the buffer.
  const std::align_val_t alignment{size >= kHugePageBytes ? kHugePageBytes : alignof(char)};
  std::unique_ptr<char[], AlignedDelete> buffer(
      static_cast<char*>(::operator new[](size + kPadding, alignment)), AlignedDelete{alignment});
  advise_huge_pages(buffer.get(), size + kPadding);
  if (round.filled > 0) std::memcpy(buffer.get(), round.buffer.get(), round.filled);
  round.buffer = std::move(buffer);
  round.size = size;
}

void CsvBlocks::fill(Round& round) {
  while (!eof_ && round.filled < round.size) {
    const std::size_t n =
        std::fread(round.buffer.get() + round.filled, 1, round.size - round.filled, file_);
    if (n == 0) {
      if (std::ferror(file_))
        throw DataError("read error", path_.string(), "check that the file is readable");
      eof_ = true;
    }
    round.filled += n;
  }
}

bool CsvBlocks::find_round_end(Round& round) const {
  const char* begin = round.buffer.get();
  round.quotes = std::memchr(begin, '"', round.filled) != nullptr;
  if (eof_) {
    round.round_end = round.filled;
    return true;
  }
  const char* last = nullptr;
  if (!round.quotes) {
    last = static_cast<const char*>(memrchr(begin, '\n', round.filled));
  } else {
    std::size_t inner_lines;
    for (const char *p = begin, *end = begin + round.filled;
         (p = find_record_end(p, end, inner_lines)) != nullptr; ++p)
      last = p;
  }
  if (!last) return false;
  round.round_end = static_cast<std::size_t>(last - begin) + 1;
  return true;
}

void CsvBlocks::cut_pieces(Round& round) const {
  round.pieces.clear();
  const char* begin = round.buffer.get();
  const char* end = begin + round.round_end;
  const std::size_t n = std::clamp<std::size_t>(round.round_end / kMinPieceBytes, 1, max_pieces_);
  const char* piece = begin;
  std::size_t inner_lines;
  for (std::size_t i = 1; i <= n && piece != end; ++i) {
    const char* cut = end;
    if (i < n) {
      // The first record end at or after the nominal cut; quotes toggle from the round's start.
      const char* nominal = begin + i * round.round_end / n;
      if (nominal <= piece) continue;
      const char* nl = nullptr;
      if (!round.quotes) {
        nl = static_cast<const char*>(std::memchr(nominal, '\n', end - nominal));
      } else {
        for (const char* p = piece; (p = find_record_end(p, end, inner_lines)) != nullptr; ++p) {
          if (p >= nominal) {
            nl = p;
            break;
          }
        }
      }
      cut = nl ? nl + 1 : end;
    }
    const auto size = static_cast<std::size_t>(cut - piece);
    // Exact for the common text (a record per line, the last one ended): the rows of the pieces
    // after this one then start right after its own, and need not be moved up.
    const auto records = count_line_ends(piece, cut) + (cut[-1] != '\n');
    round.pieces.push_back({{piece, size}, std::min(records, size / columns_ + 1)});
    piece = cut;
  }
}

bool CsvBlocks::prepare(Round& round) {
  round.round_end = 0;
  for (;;) {
    fill(round);
    if (round.filled == 0) return false;
    if (find_round_end(round)) break;
    resize(round, round.size * 2);  // a record longer than the buffer
  }
  std::memset(round.buffer.get() + round.filled, 0, kPadding);
  cut_pieces(round);
  return true;
}

void CsvBlocks::read_ahead() noexcept {
  try {
    Round& next = rounds_[current_ ^ 1];
    if (started_) {
      const Round& now = rounds_[current_];
      ahead_has_text_ = false;
      if (!eof_) {  // else the current round ends the file
        // The current round's unfinished record starts the next.
        next.filled = 0;
        if (next.size < now.size) resize(next, now.size);
        next.filled = now.filled - now.round_end;
        std::memcpy(next.buffer.get(), now.buffer.get() + now.round_end, next.filled);
        ahead_has_text_ = prepare(next);
      }
    } else {
      ahead_has_text_ = prepare(next);
    }
  } catch (...) {
    ahead_error_ = std::current_exception();
  }
  ahead_read_ = true;
}

bool CsvBlocks::next() {
  if (!ahead_read_) read_ahead();
  ahead_read_ = false;
  if (ahead_error_) std::rethrow_exception(std::exchange(ahead_error_, nullptr));
  if (!ahead_has_text_) return false;
  current_ ^= 1;
  started_ = true;
  return true;
}

}  // namespace descent::data::detail
