#include "descent/core/memory_budget.hpp"

#include <array>

#include <fmt/core.h>
#include <sys/mman.h>
#include <unistd.h>

namespace descent {

std::uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return UINT64_MAX;  // unknown: no limit
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

void advise_huge_pages(void* data, std::size_t bytes) {
  constexpr std::uintptr_t kPage = kHugePageBytes;
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kPage - 1);
  if (begin < end) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

std::string format_bytes(double bytes) {
  static constexpr std::array<const char*, 7> units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  std::size_t u = 0;
  while (bytes >= 1000 && u + 1 < units.size()) {
    bytes /= 1000;
    ++u;
  }
  return fmt::format("{:.3g} {}", bytes, units[u]);
}

std::string memory_shortfall(double bytes, const std::string& what) {
  const auto have = physical_memory_bytes();
  if (bytes <= static_cast<double>(have)) return {};
  return fmt::format("{} would need {} but this machine has {} of memory", what,
                     format_bytes(bytes), format_bytes(static_cast<double>(have)));
}

}  // namespace descent
