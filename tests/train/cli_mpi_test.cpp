// `mpirun -np N descent train` (DESCENT_CLI_PATH) on one machine over shared memory: the model and
// the metrics are the bytes of the one-process run for N = 2 and 3 (3 splits the chunks unevenly);
// a rank killed mid-run ends the job within seconds, and --resume with another N continues to the
// bytes of an uninterrupted run. Skipped when descent was built without MPI or mpirun is absent.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "descent/core/atomic_file.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;

namespace {
using namespace std::chrono_literals;

#if defined(__SANITIZE_ADDRESS__)
#define DESCENT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DESCENT_TEST_ASAN 1
#endif
#endif

/// mpirun as root, over shared memory, more ranks than cores allowed. Under the sanitizer pass the
/// ranks run without leak checks: OpenMPI leaves allocations of the MCA components it unloads at
/// MPI_Finalize, and LeakSanitizer reports them in "<unknown module>" frames that no suppression in
/// tests/lsan.supp can match. Every other check of ASan and UBSan stays on.
const std::string kMpirun =
    "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
#ifdef DESCENT_TEST_ASAN
    "ASAN_OPTIONS=\"$ASAN_OPTIONS:detect_leaks=0\" "
#endif
    "mpirun --oversubscribe --mca btl self,vader";

bool have_mpi() {
#ifdef DESCENT_HAVE_MPI
  return std::system("command -v mpirun >/dev/null 2>&1") == 0;
#else
  return false;
#endif
}

#define SKIP_WITHOUT_MPI()                                                              \
  if (!have_mpi())                                                                      \
  GTEST_SKIP() << "descent was built without MPI or mpirun is absent (scripts/deps.sh " \
                  "--with-mpi installs OpenMPI)"

/// `mpirun -np n descent <args>`; code, and stdout + stderr in out.
descent::test::CliResult run_mpi(int n, const std::string& args) {
  const fs::path log = descent::test::scratch_dir() / "log";
  const std::string command = kMpirun + " -np " + std::to_string(n) + " " + DESCENT_CLI_PATH + " " +
                              args + " >" + log.string() + " 2>&1";
  const int status = std::system(command.c_str());
  descent::test::CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = descent::read_file(log);
  return r;
}

std::string bytes(const fs::path& file) {
  return descent::read_file(file);
}

// Batches of 64 rows in chunks of 16; a checkpoint every epoch (the killed run resumes from one).
std::string classify(int samples, int epochs) {
  return "train --data synthetic:blobs --samples " + std::to_string(samples) + " --epochs " +
         std::to_string(epochs) +
         " --model mlp:16 --batch-size 64 --chunk-rows 16 --val-split 0.2 --seed 5 "
         "--set train.checkpoint_every=1 --progress none";
}
// 240 training rows, so the last batch has 3 chunks.
const std::string kClassify = classify(300, 3);
// Regression in double, SGD with momentum, accumulation over 2 batches, clipping, a schedule.
const std::string kRegress =
    "train --data synthetic:linear --samples 200 --model mlp:8 --dtype double --batch-size 50 "
    "--chunk-rows 8 --accumulate 2 --clip-norm 0.5 --optimizer sgd --lr 0.05 --set "
    "optimizer.momentum=0.9 --epochs 4 --seed 2 --progress none";

void expect_same_run(const fs::path& a, const fs::path& b) {
  EXPECT_TRUE(bytes(a / "model.safetensors") == bytes(b / "model.safetensors"))
      << "model.safetensors of " << b << " differs from " << a;
  EXPECT_EQ(bytes(a / "metrics.csv"), bytes(b / "metrics.csv"));
}
}  // namespace

// N = 2 and 3 processes give the one-process model and metrics, byte for byte, for a classifier
// (float, Adam) and a regression (double, SGD momentum, accumulation, clipping).
TEST(CliMpi, RanksGiveTheBytesOfOneProcess) {
  SKIP_WITHOUT_MPI();
  const fs::path root = descent::test::scratch_dir();
  for (const auto& [name, args] : {std::pair{"classify", kClassify}, {"regress", kRegress}}) {
    const fs::path one = root / (std::string(name) + "-1");
    const auto r1 = descent::test::run_cli(args + " --out " + one.string());
    ASSERT_EQ(r1.code, 0) << r1.out << r1.err;
    for (int n : {2, 3}) {
      const fs::path many = root / (std::string(name) + "-" + std::to_string(n));
      const auto r = run_mpi(n, args + " --out " + many.string());
      ASSERT_EQ(r.code, 0) << r.out;
      EXPECT_NE(r.out.find(std::to_string(n) + " processes; communication"), std::string::npos)
          << r.out;
      expect_same_run(one, many);
    }
  }
  fs::remove_all(root);
}

// --allreduce (MPI_Allreduce, order up to the library) trains to nearly the same loss, not
// necessarily the same bits.
TEST(CliMpi, AllreduceTrainsToTheSameLossWithinRounding) {
  SKIP_WITHOUT_MPI();
  const fs::path root = descent::test::scratch_dir();
  const auto r1 = descent::test::run_cli(kClassify + " --out " + (root / "one").string());
  ASSERT_EQ(r1.code, 0) << r1.out << r1.err;
  const auto r2 = run_mpi(2, kClassify + " --allreduce --out " + (root / "two").string());
  ASSERT_EQ(r2.code, 0) << r2.out;
  auto last_loss = [](const fs::path& csv) {
    std::istringstream in(bytes(csv));
    std::string header, line, last;
    std::getline(in, header);
    while (std::getline(in, line)) last = line;
    return std::stod(last.substr(last.find(',') + 1));  // train_loss follows epoch
  };
  ASSERT_EQ(bytes(root / "one" / "metrics.csv").substr(0, 17), "epoch,train_loss,");
  EXPECT_NEAR(last_loss(root / "two" / "metrics.csv"), last_loss(root / "one" / "metrics.csv"),
              1e-4);
  fs::remove_all(root);
}

// Dropout draws one mask sequence per model: refused under mpirun with a clear line, exit 2,
// before the run directory is written.
TEST(CliMpi, DropoutIsRefusedWithSeveralRanks) {
  SKIP_WITHOUT_MPI();
  const fs::path root = descent::test::scratch_dir();
  const auto r = run_mpi(2, kClassify + " --dropout 0.2 --out " + (root / "run").string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("descent: error: model.dropout: dropout is not supported with several "
                       "processes"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(root / "run" / "config.toml"));
  fs::remove_all(root);
}

namespace {
/// The pid of the child of `parent` that MPI started as rank `rank`, or -1.
pid_t rank_pid(pid_t parent, int rank) {
  const std::string want = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string pid, comm, state;
    long ppid = 0;
    if (!(stat >> pid >> comm >> state >> ppid) || ppid != parent) continue;
    std::ifstream env(e.path() / "environ");
    std::string var;
    while (std::getline(env, var, '\0'))
      if (var == want) return static_cast<pid_t>(std::stol(name));
  }
  return -1;
}

}  // namespace

// SIGKILL to rank 1 of 2 after the first epoch: mpirun ends within seconds, non-zero; resuming
// with 3 ranks reaches the bytes of an uninterrupted one-process run.
TEST(CliMpi, KilledRankEndsTheJobAndResumeContinues) {
  SKIP_WITHOUT_MPI();
  const fs::path root = descent::test::scratch_dir();
  const fs::path dir = root / "killed", straight = root / "straight";
  const std::string run = classify(3000, 100000);
  const std::string command = "exec " + kMpirun + " -np 2 " + DESCENT_CLI_PATH + " " + run +
                              " --out " + dir.string() + " >" + (root / "log").string() + " 2>&1";
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  int status = 0;
  bool killed = false;
  std::chrono::steady_clock::time_point kill_time;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      FAIL() << "the job did not end: " << bytes(root / "log");
    }
    if (!killed && descent::test::metric_rows(dir / "metrics.csv") >= 1) {
      const pid_t victim = rank_pid(pid, 1);
      ASSERT_GT(victim, 0) << "no rank 1 among mpirun's children";
      kill(victim, SIGKILL);
      killed = true;
      kill_time = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(killed) << "the job ended before its first epoch: " << bytes(root / "log");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - kill_time).count();
  EXPECT_LT(seconds, 10.0);
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << bytes(root / "log");
  EXPECT_NE(bytes(root / "log").find("rank 1"), std::string::npos) << bytes(root / "log");

  const std::size_t k = descent::test::metric_rows(dir / "metrics.csv");
  ASSERT_GE(k, 1u);
  const int epochs = static_cast<int>(k) + 1;
  const auto more = run_mpi(3, "train --resume " + dir.string() + " --epochs " +
                                   std::to_string(epochs) + " --progress none");
  ASSERT_EQ(more.code, 0) << more.out;
  const auto whole = descent::test::run_cli(classify(3000, epochs) + " --out " + straight.string());
  ASSERT_EQ(whole.code, 0) << whole.out << whole.err;
  expect_same_run(straight, dir);
  fs::remove_all(root);
}
