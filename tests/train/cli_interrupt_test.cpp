// `descent train` interrupted by SIGINT / SIGTERM (DESCENT_CLI_PATH): it finishes the running
// epoch, writes every output, exits 130 / 143, and `--resume` then reaches the weights of an
// uninterrupted run byte for byte.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;

namespace {
using namespace std::chrono_literals;

// Far more epochs than the test ever waits for: the run cannot finish before the signal.
const std::vector<std::string> kRun = {"train",      "--data",       "synthetic:blobs",
                                       "--samples",  "200",          "--model",
                                       "mlp:8",      "--batch-size", "16",
                                       "--dropout",  "0.2",          "--val-split",
                                       "0.2",        "--seed",       "3",
                                       "--progress", "none"};

std::string joined(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += a + " ";
  return s;
}

/// Rows of a metrics.csv (lines after the header); 0 while it does not exist.
struct Interrupted {
  int code = -1;  // exit code, -1 when ended by a signal
  std::string out;
};

/// Starts `descent <args> --epochs 100000 --out dir`, sends `signal` once its first epoch is in
/// metrics.csv, and waits for it to end (killing it after 30 s).
Interrupted interrupt(const std::vector<std::string>& args, const fs::path& dir, int signal) {
  const fs::path log = dir.string() + ".log";
  std::vector<std::string> argv_text = {DESCENT_CLI_PATH};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  for (const char* a : {"--epochs", "100000", "--out"}) argv_text.emplace_back(a);
  argv_text.push_back(dir.string());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    // The default actions, whatever the test runner set (a non-interactive shell ignores SIGINT).
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    execv(argv[0], argv.data());
    _exit(127);
  }
  Interrupted r;
  if (pid < 0) return r;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  int status = 0;
  bool signalled = false;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "the interrupted run did not end";
      break;
    }
    if (!signalled && descent::test::metric_rows(dir / "metrics.csv") >= 1) {
      kill(pid, signal);
      signalled = true;
    }
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(signalled) << "the run ended before its first epoch was written";
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = descent::read_file(log);
  return r;
}

nlohmann::json summary(const fs::path& dir) {
  return nlohmann::json::parse(descent::read_file(dir / "summary.json"));
}
}  // namespace

// SIGINT mid-run: exit 130, summary "interrupted by SIGINT", a line naming --resume; resuming to
// K + 2 epochs (K = the epochs the interrupted run completed) gives the same model.safetensors and
// metrics.csv bytes as an uninterrupted run of K + 2 epochs.
TEST(CliInterrupt, SigintStopsAfterTheEpochAndResumesBitIdentically) {
  const fs::path root = descent::test::scratch_dir();
  const fs::path resumed = root / "resumed", straight = root / "straight";
  const auto r = interrupt(kRun, resumed, SIGINT);
  ASSERT_EQ(r.code, 130) << r.out;
  const auto s = summary(resumed);
  EXPECT_TRUE(s.at("stopped_early").get<bool>());
  EXPECT_NE(s.at("stop_reason").get<std::string>().find("SIGINT"), std::string::npos) << s;
  EXPECT_NE(r.out.find("descent train --resume " + resumed.string()), std::string::npos) << r.out;
  const std::size_t k = descent::test::metric_rows(resumed / "metrics.csv");
  ASSERT_GE(k, 1u);
  EXPECT_EQ(s.at("epochs_run").get<std::size_t>(), k);
  ASSERT_LT(k, 100000u);

  const std::string epochs = " --epochs " + std::to_string(k + 2);
  const auto more =
      descent::test::run_cli("train --resume " + resumed.string() + epochs + " --progress none");
  ASSERT_EQ(more.code, 0) << more.out << more.err;
  const auto whole = descent::test::run_cli(joined(kRun) + epochs + " --out " + straight.string());
  ASSERT_EQ(whole.code, 0) << whole.out << whole.err;
  EXPECT_FALSE(summary(resumed).at("stopped_early").get<bool>());
  EXPECT_EQ(descent::test::metric_rows(resumed / "metrics.csv"), k + 2);
  EXPECT_EQ(descent::read_file(resumed / "metrics.csv"),
            descent::read_file(straight / "metrics.csv"));
  EXPECT_TRUE(descent::read_file(resumed / "model.safetensors") ==
              descent::read_file(straight / "model.safetensors"))
      << "model.safetensors differs from the uninterrupted run's";
  fs::remove_all(root);
}

TEST(CliInterrupt, SigtermExits143WithTheReason) {
  const fs::path root = descent::test::scratch_dir();
  const auto r = interrupt(kRun, root / "run", SIGTERM);
  ASSERT_EQ(r.code, 143) << r.out;
  EXPECT_NE(summary(root / "run").at("stop_reason").get<std::string>().find("SIGTERM"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(root / "run" / "checkpoint.safetensors"));
  fs::remove_all(root);
}
