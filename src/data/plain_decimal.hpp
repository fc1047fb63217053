#pragma once
// The float of a plain decimal text (-?digits(.digits)?, the form descent and most tools write), a
// few times cheaper than the general parser and with the same bits. Internal to src/data.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__SSE4_1__)
#include <immintrin.h>
#endif

namespace descent::data::detail {

/// 10^n for n <= 16, exact in 64 bits.
inline constexpr auto kIntegerPowersOf10 = [] {
  std::array<std::uint64_t, 17> powers{1};
  for (std::size_t n = 1; n < powers.size(); ++n) powers[n] = powers[n - 1] * 10;
  return powers;
}();

/// m * 10^n + the value of the run of n digits at p, a byte at a time; returns the run's end. Past
/// 19 digits m wraps: such texts are refused.
inline const char* append_digit_bytes(const char* p, std::uint64_t& m) {
  while (static_cast<unsigned>(*p - '0') < 10) m = m * 10 + static_cast<unsigned>(*p++ - '0');
  return p;
}

/// Eight bytes at a time, SWAR (SIMD within a register): the digit test of fast_float's
/// is_made_of_eight_digits_fast and the multiplications of its parse_eight_digits_unrolled (Lemire,
/// "Number Parsing at a Gigabyte per Second", 2021), on a little-endian load (the first byte
/// lowest).
namespace swar {

/// How many of the 8 bytes at p, from the first, are ASCII digits.
inline unsigned leading_digits(std::uint64_t word) {
  // A byte is a digit when its high nibble is 3 and so is that of byte + 6 (a carry of + 6 only
  // goes from a non-digit on); the others are non-zero after the xor.
  const std::uint64_t nibbles =
      (word & 0xF0F0F0F0F0F0F0F0) | (((word + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4);
  return static_cast<unsigned>(std::countr_zero(nibbles ^ 0x3333333333333333)) / 8;
}

/// The value of the word's first n (0 to 8) bytes, which are digits.
inline std::uint64_t digits_value(std::uint64_t word, unsigned n) {
  // The n digits to the top bytes (a borrow of the subtraction only goes to later bytes, which go
  // out), zeros below them; two shifts so that n = 0 shifts all out.
  std::uint64_t v = word - 0x3030303030303030;
  v = (v << (32 - 4 * n)) << (32 - 4 * n);
  v = v * 10 + (v >> 8);  // byte pairs: 10 * first + second
  return (((v & 0x000000FF000000FF) * (100 + (1000000ULL << 32))) +
          (((v >> 16) & 0x000000FF000000FF) * (1 + (10000ULL << 32)))) >>
         32;
}

/// m * 10^n + the value of the run of n digits at p; returns the run's end. Reads the first 8
/// bytes at once (up to 7 bytes past the run), a longer run's rest a byte at a time: a second word
/// would wait for the first, and a float's fraction rarely has more than 9 digits.
inline const char* append_digits(const char* p, std::uint64_t& m) {
  if constexpr (std::endian::native == std::endian::little) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    const unsigned n = leading_digits(word);
    m = m * kIntegerPowersOf10[n] + digits_value(word, n);
    p += n;
    if (n < 8) return p;
  }
  return append_digit_bytes(p, m);
}

}  // namespace swar

#if defined(__SSE4_1__)
/// Sixteen bytes at a time in an SSE register, without a branch on the run's length (6 to 9
/// digits in a float's shortest fraction, which a branch mispredicts): the digits are moved to the
/// register's end and multiplied into two 8-digit halves as in simdjson's parse_eight_digits
/// (Langdale and Lemire, "Parsing Gigabytes of JSON per Second", 2019).
namespace sse {

/// kAlignRun[n] moves a run of n bytes at the start of a register to its end, zeros before it.
inline constexpr auto kAlignRun = [] {
  std::array<std::array<std::uint8_t, 16>, 17> table{};
  for (int n = 0; n <= 16; ++n)
    for (int lane = 0; lane < 16; ++lane)
      table[n][lane] = lane >= 16 - n ? static_cast<std::uint8_t>(lane - (16 - n)) : 0x80;
  return table;
}();

/// m * 10^n + the value of the run of n digits at p; returns the run's end. Reads 16 bytes at p
/// (up to 15 past the run); a run of 16 or more digits goes on a byte at a time.
inline const char* append_digits(const char* p, std::uint64_t& m) {
  const __m128i digits =
      _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), _mm_set1_epi8('0'));
  // A byte is a digit when byte - '0', unsigned, is below 10: min(d, 10) == 10 marks the others.
  const __m128i other = _mm_cmpeq_epi8(_mm_min_epu8(digits, _mm_set1_epi8(10)), _mm_set1_epi8(10));
  const auto n = static_cast<unsigned>(
      std::countr_zero(static_cast<unsigned>(_mm_movemask_epi8(other)) | 0x10000u));
  const __m128i run = _mm_shuffle_epi8(
      digits, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kAlignRun[n].data())));
  // Byte pairs, then pairs of those, then of those: 10 * a + b, 100 * ab + cd, 10^4 * abcd + efgh.
  const __m128i pairs = _mm_maddubs_epi16(run, _mm_set1_epi16(0x010A));
  const __m128i fours = _mm_madd_epi16(pairs, _mm_set1_epi32(0x00010064));
  const __m128i eights = _mm_madd_epi16(_mm_packus_epi32(fours, fours), _mm_set1_epi32(0x00012710));
  const auto high = static_cast<std::uint32_t>(_mm_cvtsi128_si32(eights));
  const auto low = static_cast<std::uint32_t>(_mm_extract_epi32(eights, 1));
  m = m * kIntegerPowersOf10[n] + (std::uint64_t{high} * 100000000 + low);
  p += n;
  if (n < 16) return p;
  return append_digit_bytes(p, m);
}

}  // namespace sse
namespace padded_digits = sse;
#else
namespace padded_digits = swar;
#endif

/// Parses -?[0-9]+(\.[0-9]+)? at p, not followed by an exponent, with at most 19 digits, a
/// mantissa m <= 2^53 and at most 22 fraction digits; returns the end of the text, or nullptr (and
/// `value` unchanged) when the text is not of that form or the result needs the general parser.
/// kPadded: the caller knows that the byte at `end` is neither a digit, a point nor an exponent (a
/// line end) and that the 16 bytes after it can be read: the digits are then read without bounds
/// checks, the fraction's 16 (sse::append_digits) or 8 (swar::append_digits) at a time.
///
/// Clinger's fast path: m and 10^k are exact doubles, so m / 10^k is the correctly rounded double
/// of the decimal. Rounding that double to float gives the correctly rounded float unless the
/// double is exactly halfway between two floats (double rounding): such texts return nullptr. The
/// result is in the normal float range (>= 1e-22 unless 0), so nothing over- or underflows.
template <bool kPadded = false>
inline const char* parse_plain_decimal(const char* p, const char* end, float& value) {
  static constexpr double kPowersOf10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                           1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                           1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const auto in_text = [end](const char* q) { return kPadded || q != end; };
  const auto append_digits = [&](const char* q, std::uint64_t& m) {
    while (in_text(q) && static_cast<unsigned>(*q - '0') < 10)
      m = m * 10 + static_cast<unsigned>(*q++ - '0');
    return q;
  };
  const bool negative = in_text(p) && *p == '-';
  p += negative;
  const char* const first = p;
  std::uint64_t m = 0;
  // The integer part is mostly a digit or two (scaled data): a byte loop, whose end the branch
  // predictor guesses, is cheaper there than a word at a time, which pays off on the longer
  // fractions (6 to 9 digits in a float's shortest text).
  p = append_digits(p, m);
  if (p == first) return nullptr;
  long fraction = 0;
  if (in_text(p) && *p == '.') {
    const char* const point = ++p;
    p = kPadded ? padded_digits::append_digits(p, m) : append_digits(p, m);
    fraction = p - point;
    if (fraction == 0) return nullptr;
  }
  if (p - first - (fraction > 0) > 19 || fraction > 22 || m > (std::uint64_t{1} << 53))
    return nullptr;
  if (in_text(p) && (*p == 'e' || *p == 'E')) return nullptr;
  const double exact = static_cast<double>(m) / kPowersOf10[fraction];
  // Halfway between two floats: the 29 bits a float drops are 1000...0.
  if ((std::bit_cast<std::uint64_t>(exact) & 0x1FFFFFFF) == 0x10000000) return nullptr;
  const auto rounded = static_cast<float>(exact);
  value = negative ? -rounded : rounded;
  return p;
}

}  // namespace descent::data::detail
