#pragma once
// The float of a plain decimal text (-?digits(.digits)?, the form descent and most tools write), a
// few times cheaper than the general parser and with the same bits. Internal to src/data.
#include <bit>
#include <cstdint>

namespace descent::data::detail {

/// Parses -?[0-9]+(\.[0-9]+)? at p, not followed by an exponent, with at most 19 digits, a
/// mantissa m <= 2^53 and at most 22 fraction digits; returns the end of the text, or nullptr (and
/// `value` unchanged) when the text is not of that form or the result needs the general parser.
/// kTerminated: the caller knows that the byte at `end` is readable and neither a digit, a point
/// nor an exponent (a line end): the scan stops there by itself, without a bounds check per byte.
///
/// Clinger's fast path: m and 10^k are exact doubles, so m / 10^k is the correctly rounded double
/// of the decimal. Rounding that double to float gives the correctly rounded float unless the
/// double is exactly halfway between two floats (double rounding): such texts return nullptr. The
/// result is in the normal float range (>= 1e-22 unless 0), so nothing over- or underflows.
template <bool kTerminated = false>
inline const char* parse_plain_decimal(const char* p, const char* end, float& value) {
  static constexpr double kPowersOf10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                           1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                           1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const auto in_text = [end](const char* q) { return kTerminated || q != end; };
  const auto digit = [](char c) { return static_cast<unsigned>(c - '0') < 10; };
  const bool negative = in_text(p) && *p == '-';
  p += negative;
  const char* const first = p;
  std::uint64_t m = 0;
  while (in_text(p) && digit(*p)) m = m * 10 + static_cast<unsigned>(*p++ - '0');
  if (p == first) return nullptr;
  long fraction = 0;
  if (in_text(p) && *p == '.') {
    const char* const point = ++p;
    while (in_text(p) && digit(*p)) m = m * 10 + static_cast<unsigned>(*p++ - '0');
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
