// R5 (issue 19): `descent schedule` streams its rows as it computes them, to stdout or to the
// --csv file, so its memory does not grow with --steps.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/cli.hpp"

namespace {

/// Peak resident memory in KiB of `descent <args>` run with stdout to /dev/null (exit 0 expected).
long peak_rss_kib(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    // Under AddressSanitizer freed blocks wait in a quarantine of up to 256 MB, which the peak
    // would show although the program no longer holds them.
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string options = std::string(asan ? asan : "") + ":quarantine_size_mb=1";
    ::setenv("ASAN_OPTIONS", options.c_str(), 1);
    std::vector<char*> argv{const_cast<char*>(DESCENT_CLI_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(DESCENT_CLI_PATH, argv.data());
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  return usage.ru_maxrss;
}

std::vector<std::string> schedule(long steps, const std::string& csv) {
  return {"schedule", R"({"name":"cosine","T_max":1000})",
          "--lr",     "0.1",
          "--steps",  std::to_string(steps),
          "--csv",    csv};
}

// 2,000,000 rows of "step,lr" are about 56 MB of text (rows like "1999999,0.0999...": 25 to 30
// bytes); held in memory they would raise the peak by that much over a 100,000-row run.
TEST(ScheduleStreaming, MemoryDoesNotGrowWithTheNumberOfSteps) {
  const auto dir = descent::test::scratch_dir();
  const long small = peak_rss_kib(schedule(100'000, "-"));
  const long to_stdout = peak_rss_kib(schedule(2'000'000, "-"));
  const long to_file = peak_rss_kib(schedule(2'000'000, (dir / "lr.csv").string()));
  EXPECT_GT(std::filesystem::file_size(dir / "lr.csv"), 40'000'000u);
  EXPECT_LT(to_stdout - small, 8 * 1024) << small << " KiB for 100,000 steps";
  EXPECT_LT(to_file - small, 8 * 1024) << small << " KiB for 100,000 steps";
  std::filesystem::remove_all(dir);
}

}  // namespace
