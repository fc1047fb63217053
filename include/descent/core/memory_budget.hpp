#pragma once
// Sizes taken from input (a file header, --samples, a model spec) are checked against the memory
// of the machine before anything is allocated, so an absurd size is a clear error, not bad_alloc.
#include <cstddef>
#include <cstdint>
#include <string>

namespace descent {

/// Physical memory of the machine in bytes: sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE).
std::uint64_t physical_memory_bytes();

/// "" when `bytes` fit in the machine's physical memory, else a description for an error message:
/// "<what> would need 8 TB but this machine has 16 GB of memory".
std::string memory_shortfall(double bytes, const std::string& what);

/// The size of a (transparent) huge page on x86-64 and most Linux systems: 2 MiB.
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

/// Asks for transparent huge pages (madvise MADV_HUGEPAGE) on the whole 2 MiB pages inside a large
/// buffer that is about to be written for the first time: one page fault per 2 MiB instead of one
/// per 4 KiB (each fault costs microseconds, tens of them on a virtual machine). Only a hint: no
/// effect where huge pages are off or the buffer is small; never touches the memory.
void advise_huge_pages(void* data, std::size_t bytes);

/// A byte count for people: "512 B", "3.2 MB", "8 TB" (powers of 1000).
std::string format_bytes(double bytes);

}  // namespace descent
