#pragma once
// Text read from files (CSV column names, class labels) is written back into JSON and TOML, which
// hold UTF-8 only: it is checked when read, so the error can say where the bad byte is.
#include <cstddef>
#include <string_view>

namespace descent {

/// The offset of the first byte of `text` that does not begin or continue a well-formed UTF-8
/// sequence (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF); npos if all is UTF-8.
std::size_t first_invalid_utf8(std::string_view text);

}  // namespace descent
