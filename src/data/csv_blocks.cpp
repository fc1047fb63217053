#include "csv_blocks.hpp"

#include <algorithm>
#include <cstring>

#include "csv_tokenizer.hpp"
#include "descent/core/error.hpp"

namespace descent::data::detail {

CsvBlocks::CsvBlocks(const std::filesystem::path& path, std::FILE* file,
                     std::string_view read_ahead, std::size_t pieces)
    : path_(path), file_(file), max_pieces_(std::max<std::size_t>(1, pieces)) {
  // Sized to the input: a small file costs a small buffer.
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  const std::size_t round = max_pieces_ * kPieceBytes;
  buffer_.resize(std::max(read_ahead.size(), ec ? round : std::min<std::size_t>(bytes, round)) + 1);
  std::memcpy(buffer_.data(), read_ahead.data(), read_ahead.size());
  filled_ = read_ahead.size();
}

void CsvBlocks::fill() {
  while (!eof_ && filled_ < buffer_.size()) {
    const std::size_t n = std::fread(buffer_.data() + filled_, 1, buffer_.size() - filled_, file_);
    if (n == 0) {
      if (std::ferror(file_))
        throw DataError("read error", path_.string(), "check that the file is readable");
      eof_ = true;
    }
    filled_ += n;
  }
}

bool CsvBlocks::find_round_end() {
  const char* begin = buffer_.data();
  quotes_ = std::memchr(begin, '"', filled_) != nullptr;
  if (eof_) {
    round_end_ = filled_;
    return true;
  }
  const char* last = nullptr;
  if (!quotes_) {
    last = static_cast<const char*>(memrchr(begin, '\n', filled_));
  } else {
    std::size_t inner_lines;
    for (const char *p = begin, *end = begin + filled_;
         (p = find_record_end(p, end, inner_lines)) != nullptr; ++p)
      last = p;
  }
  if (!last) return false;
  round_end_ = static_cast<std::size_t>(last - begin) + 1;
  return true;
}

void CsvBlocks::cut_pieces() {
  pieces_.clear();
  const char* begin = buffer_.data();
  const char* end = begin + round_end_;
  const std::size_t n = std::clamp<std::size_t>(round_end_ / kMinPieceBytes, 1, max_pieces_);
  const char* piece = begin;
  std::size_t inner_lines;
  for (std::size_t i = 1; i <= n && piece != end; ++i) {
    const char* cut = end;
    if (i < n) {
      // The first record end at or after the nominal cut; quotes toggle from the round's start.
      const char* nominal = begin + i * round_end_ / n;
      if (nominal <= piece) continue;
      const char* nl = nullptr;
      if (!quotes_) {
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
    pieces_.emplace_back(piece, static_cast<std::size_t>(cut - piece));
    piece = cut;
  }
}

bool CsvBlocks::next() {
  // The unfinished record after the last round moves to the front.
  std::memmove(buffer_.data(), buffer_.data() + round_end_, filled_ - round_end_);
  filled_ -= round_end_;
  round_end_ = 0;
  for (;;) {
    fill();
    if (filled_ == 0) return false;
    if (find_round_end()) break;
    buffer_.resize(buffer_.size() * 2);  // a record longer than the buffer
  }
  cut_pieces();
  return true;
}

}  // namespace descent::data::detail
