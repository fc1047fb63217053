#include "descent/report/metrics_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/report/metrics_csv.hpp"

namespace descent::report {

namespace {
[[noreturn]] void fail(const std::filesystem::path& path, const char* action) {
  throw Error(std::string(action) + " failed: " + std::strerror(errno), path.string(),
              "check that the directory is writable and the disk is not full");
}

class Timer {
 public:
  explicit Timer(std::chrono::duration<double>& total) : total_(total) {}
  ~Timer() { total_ += std::chrono::steady_clock::now() - start_; }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

 private:
  std::chrono::duration<double>& total_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};
}  // namespace

MetricsLog::~MetricsLog() {
  if (fd_ >= 0) ::close(fd_);
}

void MetricsLog::rewrite(const std::vector<train::MetricRow>& rows) {
  if (fd_ >= 0) ::close(fd_), fd_ = -1;
  write_file_atomic(path_, metrics_csv(rows), Durability::unsynced);  // finish() syncs
  columns_ = metrics_columns(rows);
  written_ = rows.size();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) fail(path_, "open");
}

void MetricsLog::append(std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd_, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path_, "write");
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

void MetricsLog::update(const std::vector<train::MetricRow>& rows) {
  const Timer timer(seconds_);
  if (fd_ < 0 || rows.size() < written_) return rewrite(rows);
  std::string text;
  for (std::size_t i = written_; i < rows.size(); ++i) {
    for (const auto& [name, value] : rows[i].items())
      if (std::find(columns_.begin(), columns_.end(), name) == columns_.end())
        return rewrite(rows);  // a new column: the header changes
    text += metrics_csv_line(rows[i], columns_);
  }
  append(text);  // one write() for the new rows
  written_ = rows.size();
}

void MetricsLog::finish(const std::vector<train::MetricRow>& rows) {
  update(rows);
  const Timer timer(seconds_);
  if (::fdatasync(fd_) != 0) fail(path_, "fdatasync");
}

}  // namespace descent::report
