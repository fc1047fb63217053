#include "descent/objective/objective.hpp"

#include <fmt/format.h>

namespace descent::objective::detail {

void check_size(const char* what, std::size_t actual, std::size_t expected) {
  if (actual != expected)
    throw UsageError(
        fmt::format("{} has {} elements, the objective expects {}", what, actual, expected));
}

}  // namespace descent::objective::detail
