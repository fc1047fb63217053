#pragma once
// Atomic output: a file is written to a temporary name beside its target, flushed to disk (fsync)
// and renamed over the target, so readers see the old file or the complete new one, never a part.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace descent {

/// Writes `content` to `path` atomically (temp file, fsync, rename, fsync of the directory).
/// Creates the parent directory. Throws descent::Error naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

/// An output streamed to a temporary file beside `path` and renamed over `path` by commit(), for
/// outputs too large to hold in memory. Destroyed without commit(), it removes the temporary file
/// and leaves `path` untouched.
class AtomicFileWriter {
 public:
  /// Creates the parent directory and opens the temporary file; Error naming the path on failure.
  explicit AtomicFileWriter(std::filesystem::path path);
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  /// Appends `text` (buffered; written out in blocks).
  void write(std::string_view text);
  /// Flushes, fsyncs and renames the temporary file over the target, then fsyncs the directory.
  void commit();

 private:
  void flush();
  void write_all(std::string_view text);
  std::filesystem::path path_, temp_;
  int fd_ = -1;
  std::string buffer_;
};

/// Removes, under `dir` and its subdirectories, the temporary files of atomic writes
/// ("<target>.tmp<pid>.<n>") whose process no longer runs: what a kill -9 between open and rename
/// leaves behind. Other files, and the temporaries of a live process, are left alone. Returns the
/// paths removed.
std::vector<std::filesystem::path> remove_stale_temp_files(const std::filesystem::path& dir);

/// Reads a whole file; throws DataError naming the path if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace descent
