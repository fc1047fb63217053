// Temporary files of atomic writes interrupted by kill -9 (issue 19): the next run or resume of
// that run directory removes them; other files, and the temporaries of a live process, stay.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "descent/core/atomic_file.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using descent::read_file;
using descent::test::run_cli;
using descent::test::scratch_dir;

namespace {

/// The pid of a child process that has exited and been reaped: a process that no longer runs.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

const std::string kSmallRun =
    "train --data synthetic:blobs --samples 60 --model mlp:4 --seed 1 --progress none";

TEST(StaleTempFiles, AResumeRemovesThoseOfAKilledWriterAndNothingElse) {
  const fs::path dir = scratch_dir() / "run";
  ASSERT_EQ(run_cli(kSmallRun + " --epochs 1 --out " + dir.string()).code, 0);
  const std::string dead = std::to_string(dead_pid());
  const std::string live = std::to_string(::getpid());
  // What a kill -9 between open and rename leaves: "<target>.tmp<pid>.<n>", up to 512 KB.
  const fs::path stale[] = {dir / ("checkpoint.safetensors.tmp" + dead + ".3141592653"),
                            dir / "plots" / ("loss.svg.tmp" + dead + ".7")};
  // Names that only look alike, and a temporary of a process that still runs.
  const fs::path kept[] = {dir / "notes.tmp", dir / ("metrics.csv.tmp" + dead), dir / "a.tmp12.x",
                           dir / (".tmp" + dead + ".1"), dir / ("summary.json.tmp" + live + ".1")};
  for (const auto& p : stale) descent::write_file_atomic(p, std::string(512 * 1024, 'x'));
  for (const auto& p : kept) descent::write_file_atomic(p, p.filename().string());

  const auto r = run_cli("train --resume " + dir.string() + " --epochs 2 --progress none");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const auto& p : stale) EXPECT_FALSE(fs::exists(p)) << p;
  for (const auto& p : kept) {
    ASSERT_TRUE(fs::exists(p)) << p;
    EXPECT_EQ(read_file(p), p.filename().string());
  }
  fs::remove_all(dir.parent_path());
}

// A run killed while writing its first file (config.toml) leaves only that file's temporary: the
// directory holds no run, and a new run into it cleans the temporary up.
TEST(StaleTempFiles, ANewRunIntoTheDirectoryRemovesThem) {
  const fs::path dir = scratch_dir() / "run";
  const fs::path stale = dir / ("config.toml.tmp" + std::to_string(dead_pid()) + ".42");
  descent::write_file_atomic(stale, "[data]\npath = ");
  ASSERT_EQ(run_cli(kSmallRun + " --epochs 1 --out " + dir.string()).code, 0);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(dir / "metrics.csv"));
  fs::remove_all(dir.parent_path());
}

}  // namespace
