#pragma once
// A metrics CSV kept up to date while rows are added (metrics.csv once per epoch, steps.csv per
// step): update(rows) appends the rows added since the last call, one write() each, without
// rewriting the file or syncing it. The file is rewritten whole (atomically, unsynced) only on the
// first update (a resumed run's file may hold rows after its checkpoint) and when a row brings a
// new column; finish() syncs its data once (its directory entry is synced by the next synced write
// in the run directory, summary.json). At every update the file holds metrics_csv(rows) (a crash
// may lose the rows not yet synced, never tear the ones before). Rows already written must not
// change.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "descent/train/metric_row.hpp"

namespace descent::report {

class MetricsLog {
 public:
  explicit MetricsLog(std::filesystem::path path) : path_(std::move(path)) {}
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;
  ~MetricsLog();

  /// Brings the file to metrics_csv(rows); `rows` extends the rows of the previous call.
  void update(const std::vector<train::MetricRow>& rows);
  /// update(rows), then the file's data is synced to disk.
  void finish(const std::vector<train::MetricRow>& rows);

  const std::filesystem::path& path() const { return path_; }
  /// Time spent in update() and finish().
  std::chrono::duration<double> seconds() const { return seconds_; }

 private:
  void rewrite(const std::vector<train::MetricRow>& rows);
  void append(std::string_view text);

  std::filesystem::path path_;
  std::vector<std::string> columns_;
  std::size_t written_ = 0;  // rows in the file
  int fd_ = -1;              // open for appending after the first update
  std::chrono::duration<double> seconds_{0};
};

}  // namespace descent::report
