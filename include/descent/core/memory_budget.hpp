#pragma once
// Sizes taken from input (a file header, --samples, a model spec) are checked against the memory
// of the machine before anything is allocated, so an absurd size is a clear error, not bad_alloc.
#include <cstdint>
#include <string>

namespace descent {

/// Physical memory of the machine in bytes: sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE).
std::uint64_t physical_memory_bytes();

/// "" when `bytes` fit in the machine's physical memory, else a description for an error message:
/// "<what> would need 8 TB but this machine has 16 GB of memory".
std::string memory_shortfall(double bytes, const std::string& what);

/// A byte count for people: "512 B", "3.2 MB", "8 TB" (powers of 1000).
std::string format_bytes(double bytes);

}  // namespace descent
