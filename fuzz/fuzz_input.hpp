#pragma once
// Support for the libFuzzer targets: the input as a file (the readers under test take paths), and
// the rule every target checks, that bad input ends in a descent::Error and nothing else.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace descent::fuzz {

/// An in-memory file (memfd) rewritten with each input; path() names it for the readers.
class InputFile {
 public:
  InputFile() : fd_(::memfd_create("descent-fuzz", 0)) {
    if (fd_ < 0) std::abort();
  }
  ~InputFile() { ::close(fd_); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  /// Replaces the content with `size` bytes; returns the path.
  std::filesystem::path write(const std::uint8_t* data, std::size_t size) const {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    for (std::size_t done = 0; done < size;) {
      const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
    return path();
  }
  std::filesystem::path path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace descent::fuzz
