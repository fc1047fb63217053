#include "descent/core/version.hpp"

namespace descent {

std::string_view version() {
  return DESCENT_VERSION;  // defined for this file only by CMakeLists.txt
}

}  // namespace descent
