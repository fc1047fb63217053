#pragma once
// The version of descent (CMake's project version), recorded in the files it writes.
#include <string_view>

namespace descent {

/// "0.1.0": the project version this library was built as.
std::string_view version();

}  // namespace descent
