#pragma once
// Atomic output: a file is written to a temporary name beside its target, flushed to disk (fsync)
// and renamed over the target, so readers see the old file or the complete new one, never a part.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace descent {

/// Whether an atomic write also waits for the disk. `synced` (fsync of the file before the rename
/// and of the directory after it) for what a crash or power loss must not lose: configs,
/// checkpoints, models, summaries. `unsynced` (the rename alone: a crashed process still leaves the
/// old file or the whole new one) for views that are drawn again from the synced files (plots,
/// report.html, event files) and for files synced later (metrics_log.hpp).
enum class Durability { synced, unsynced };

/// Writes `content` to `path` atomically (temp file, [fsync], rename, [fsync of the directory]).
/// Creates the parent directory. Throws descent::Error naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       Durability durability = Durability::synced);

/// An output streamed to a temporary file beside `path` and renamed over `path` by commit(), for
/// outputs too large to hold in memory. Destroyed without commit(), it removes the temporary file
/// and leaves `path` untouched.
class AtomicFileWriter {
 public:
  /// Creates the parent directory and opens the temporary file; Error naming the path on failure.
  explicit AtomicFileWriter(std::filesystem::path path, Durability durability = Durability::synced);
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  /// Appends `text` (buffered; written out in blocks).
  void write(std::string_view text);
  /// Flushes, fsyncs and renames the temporary file over the target, then fsyncs the directory
  /// (without the fsyncs when unsynced).
  void commit();

 private:
  void flush();
  void write_all(std::string_view text);
  std::filesystem::path path_, temp_;
  int fd_ = -1;
  Durability durability_;
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
