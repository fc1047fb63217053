#pragma once
// Atomic output: a file is written to a temporary name beside its target, flushed to disk (fsync)
// and renamed over the target, so readers see the old file or the complete new one, never a part.
#include <filesystem>
#include <string>
#include <string_view>

namespace descent {

/// Writes `content` to `path` atomically (temp file, fsync, rename, fsync of the directory).
/// Creates the parent directory. Throws descent::Error naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

/// Reads a whole file; throws DataError naming the path if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace descent
