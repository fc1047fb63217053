#pragma once
// Test support: runs the built `descent` executable (DESCENT_CLI_PATH) with arguments and returns
// its exit code, stdout and stderr.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "descent/core/atomic_file.hpp"

namespace descent::test {

struct CliResult {
  int code = -1;
  std::string out, err;
};

/// A fresh empty directory for one test's files.
inline std::filesystem::path scratch_dir() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(::testing::TempDir()) /
             ("descent-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "." +
              info->name() + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Runs `descent <args>`; args are passed through /bin/sh, so quote JSON with single quotes.
inline CliResult run_cli(const std::string& args) {
  const auto dir = scratch_dir();
  const auto out = dir / "stdout", err = dir / "stderr";
  const std::string command =
      std::string(DESCENT_CLI_PATH) + " " + args + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(command.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  std::filesystem::remove_all(dir);
  return r;
}

/// The number a CSV cell or an output line holds; a test failure when it is not one.
inline double number(const std::string& s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  EXPECT_TRUE(ec == std::errc() && end == s.data() + s.size()) << "not a number: '" << s << "'";
  return v;
}

/// The data rows of a CSV file with a header (0 when it does not exist).
inline std::size_t metric_rows(const std::filesystem::path& csv) {
  if (!std::filesystem::exists(csv)) return 0;
  const std::string text = read_file(csv);
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  return lines ? lines - 1 : 0;
}

}  // namespace descent::test
