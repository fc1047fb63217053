#include "descent/core/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
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
/// The temporary beside `path` written by this process: "<path>.tmp<pid>.<random>".
std::filesystem::path temp_name(const std::filesystem::path& path) {
  std::random_device rd;
  std::filesystem::path temp = path;
  temp += ".tmp" + std::to_string(::getpid()) + "." + std::to_string(rd());
  return temp;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The writer's pid if `name` has temp_name's form, else 0.
pid_t temp_writer(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || !all_digits(name.substr(dot + 1))) return 0;
  const std::size_t tmp = name.rfind(".tmp", dot);
  if (tmp == std::string_view::npos || tmp == 0) return 0;
  const std::string_view pid = name.substr(tmp + 4, dot - tmp - 4);
  return all_digits(pid) && pid.size() <= 9 ? static_cast<pid_t>(std::stol(std::string(pid))) : 0;
}
}  // namespace

std::vector<std::filesystem::path> remove_stale_temp_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> removed;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const pid_t pid = temp_writer(it->path().filename().string());
    // kill(pid, 0) fails with ESRCH only when no such process exists.
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH && std::filesystem::remove(it->path(), ec))
      removed.push_back(it->path());
  }
  return removed;
}

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path, Durability durability)
    : path_(std::move(path)), durability_(durability) {
  const std::filesystem::path dir = path_.parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw Error("cannot create directory: " + ec.message(), dir.string());
  }
  temp_ = temp_name(path_);
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail(temp_, "open");
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

void AtomicFileWriter::write(std::string_view text) {
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  if (text.size() >= kBlock) {  // large: no copy through the buffer
    flush();
    write_all(text);
    return;
  }
  buffer_.append(text);
  if (buffer_.size() >= kBlock) flush();
}

void AtomicFileWriter::flush() {
  write_all(buffer_);
  buffer_.clear();
}

void AtomicFileWriter::write_all(std::string_view text) {
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path_, "write");  // the destructor removes the temporary file
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

void AtomicFileWriter::commit() {
  if (fd_ < 0) throw UsageError("commit() called twice", path_.string());
  flush();
  const bool sync = durability_ == Durability::synced;
  if (sync && ::fsync(fd_) != 0) fail(path_, "fsync");
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 || ::rename(temp_.c_str(), path_.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp_.c_str());
    errno = saved;
    fail(path_, "rename");
  }
  if (!sync) return;
  const std::filesystem::path dir = path_.parent_path();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       Durability durability) {
  AtomicFileWriter out(path, durability);
  out.write(content);
  out.commit();
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
