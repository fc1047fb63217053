#include "descent/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "descent/core/error.hpp"

namespace descent {

namespace {
[[noreturn]] void fail(const std::filesystem::path& path, const char* action) {
  throw Error(std::string(action) + " failed: " + std::strerror(errno), path.string(),
              "check that the directory exists, is writable and the disk is not full");
}
}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path dir = path.parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw Error("cannot create directory: " + ec.message(), dir.string());
  }
  std::random_device rd;
  std::filesystem::path temp = path;
  temp += ".tmp" + std::to_string(::getpid()) + "." + std::to_string(rd());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(temp, "open");
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      errno = saved;
      fail(path, "write");
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    fail(path, "fsync");
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    fail(path, "rename");
  }
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(std::string("cannot open file: ") + std::strerror(errno), path.string());
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) throw DataError("read failed", path.string());
  return std::move(out).str();
}

}  // namespace descent
