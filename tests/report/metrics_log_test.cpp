// MetricsLog: after every update the file holds metrics_csv(rows), whether the new rows were
// appended or a new column made it rewrite the file; a log opened on a file with rows beyond the
// given ones (a run resumed from an earlier checkpoint) replaces it.
#include "descent/report/metrics_log.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "descent/core/error.hpp"
#include "descent/report/metrics_csv.hpp"

namespace fs = std::filesystem;
using descent::report::MetricsLog;
using descent::train::MetricRow;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ino_t inode(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_ino;
}

MetricRow row(double epoch, double loss) {
  MetricRow r;
  r.set("epoch", epoch);
  r.set("train_loss", loss);
  return r;
}

class MetricsLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("descent_metrics_log_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};
}  // namespace

TEST_F(MetricsLogTest, AppendsRowsAndRewritesOnANewColumn) {
  const auto path = dir_ / "metrics.csv";
  std::vector<MetricRow> rows;
  MetricsLog log(path);
  for (int e = 1; e <= 3; ++e) {
    rows.push_back(row(e, 1.0 / e));
    log.update(rows);
    EXPECT_EQ(slurp(path), descent::report::metrics_csv(rows)) << "epoch " << e;
  }
  const auto before = inode(path);
  rows.push_back(row(4, 0.1 + 0.2));  // a value that needs 17 digits
  log.update(rows);
  EXPECT_EQ(slurp(path), descent::report::metrics_csv(rows));
  EXPECT_EQ(inode(path), before);  // appended in place, not replaced
  rows.push_back(row(5, 0.2));
  rows.back().set("val_loss", 0.25);  // a new column: the header changes
  log.update(rows);
  EXPECT_EQ(slurp(path), descent::report::metrics_csv(rows));
  EXPECT_EQ(slurp(path).rfind("epoch,train_loss,val_loss\n1,1,\n", 0), 0u) << slurp(path);
  rows.push_back(row(6, 0.125));  // without the new column: an empty cell
  log.finish(rows);
  EXPECT_EQ(slurp(path), descent::report::metrics_csv(rows));
  EXPECT_GE(log.seconds().count(), 0);
}

TEST_F(MetricsLogTest, ReplacesAFileWithRowsBeyondTheFirstUpdate) {
  const auto path = dir_ / "metrics.csv";
  std::vector<MetricRow> rows{row(1, 1), row(2, 0.5), row(3, 0.25)};
  {
    MetricsLog log(path);
    log.update(rows);
  }
  rows.pop_back();  // the checkpoint of a resumed run was taken after epoch 2
  MetricsLog resumed(path);
  resumed.update(rows);
  EXPECT_EQ(slurp(path), descent::report::metrics_csv(rows));
  rows.push_back(row(3, 0.375));
  resumed.update(rows);
  EXPECT_EQ(slurp(path), descent::report::metrics_csv(rows));
}

TEST_F(MetricsLogTest, AnUnwritablePlaceIsAnErrorNamingIt) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  MetricsLog log(dir_ / "file" / "metrics.csv");  // a file where a directory should be
  try {
    log.update({row(1, 1)});
    FAIL() << "expected an error";
  } catch (const descent::Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "file").string()), std::string::npos) << e.what();
  }
}
