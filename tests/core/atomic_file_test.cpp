// write_file_atomic / AtomicFileWriter / read_file: content, overwrite, parent directories, no
// temporary file left behind, errors naming the path.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "data/temp_dir.hpp"
#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"

namespace descent {
namespace {

using data::test::TempDir;

std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(WriteFileAtomic, WritesTheExactBytes) {
  TempDir dir;
  const auto file = dir.path() / "out.bin";
  const std::string content("line 1\nline 2\0with a NUL\xff", 26);
  write_file_atomic(file, content);
  EXPECT_EQ(read_file(file), content);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"out.bin"});
}

// A streamed output: invisible (the old file stays) until commit(); abandoned, it leaves nothing.
TEST(AtomicFileWriter, StreamsInPiecesAndAppearsOnlyOnCommit) {
  TempDir dir;
  const auto file = dir.path() / "predictions.csv";
  write_file_atomic(file, "old\n");
  std::string expected;
  {
    AtomicFileWriter out(file);
    for (int i = 0; i < 200000; ++i) {  // several MiB: written out in blocks along the way
      const std::string row = std::to_string(i) + ",x\n";
      out.write(row);
      expected += row;
    }
    out.write(std::string(3 << 20, 'y'));  // a piece larger than a block
    expected += std::string(3 << 20, 'y');
    EXPECT_EQ(read_file(file), "old\n");
    EXPECT_EQ(entries(dir.path()).size(), 2u);  // the target and the temporary file
    out.commit();
  }
  EXPECT_EQ(read_file(file), expected);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"predictions.csv"});
  {
    AtomicFileWriter abandoned(file);
    abandoned.write("half");
  }  // e.g. an exception while scoring: no commit
  EXPECT_EQ(read_file(file), expected);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"predictions.csv"});
}

TEST(WriteFileAtomic, OverwritesWithShorterContent) {
  TempDir dir;
  const auto file = dir.path() / "metrics.csv";
  write_file_atomic(file, std::string(10000, 'x'));
  write_file_atomic(file, "step,loss\n");
  EXPECT_EQ(read_file(file), "step,loss\n");
  write_file_atomic(file, "");
  EXPECT_EQ(read_file(file), "");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"metrics.csv"});
}

TEST(WriteFileAtomic, CreatesParentDirectories) {
  TempDir dir;
  const auto file = dir.path() / "run" / "plots" / "loss.gp";
  write_file_atomic(file, "plot x");
  EXPECT_EQ(read_file(file), "plot x");
  EXPECT_EQ(entries(file.parent_path()), std::vector<std::string>{"loss.gp"});
}

TEST(WriteFileAtomic, FailureNamesThePathAndLeavesNothing) {
  TempDir dir;
  const auto blocker = dir.write("blocker", "a file, not a directory");
  try {
    write_file_atomic(blocker / "out.txt", "x");
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("blocker"), std::string::npos) << e.what();
  }
  // A target that is a directory: the rename fails, the temporary file is removed.
  std::filesystem::create_directory(dir.path() / "target");
  EXPECT_THROW(write_file_atomic(dir.path() / "target", "x"), Error);
  EXPECT_EQ(entries(dir.path()), (std::vector<std::string>{"blocker", "target"}));
  EXPECT_EQ(read_file(blocker), "a file, not a directory");
}

TEST(ReadFile, MissingFileIsADataErrorNamingIt) {
  TempDir dir;
  try {
    read_file(dir.path() / "missing.csv");
    ADD_FAILURE() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.csv"), std::string::npos) << e.what();
  }
}

/// The pid of a child process that has exited and been reaped: a process that no longer runs.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

// A temporary of a writer killed between open and rename ("<target>.tmp<pid>.<n>", the writer
// gone) is removed, in subdirectories too; a live writer's temporary and look-alike names stay.
TEST(RemoveStaleTempFiles, RemovesOnlyTheTemporariesOfWritersThatAreGone) {
  TempDir dir;
  const std::string dead = std::to_string(dead_pid()), live = std::to_string(::getpid());
  const std::vector<std::string> stale = {"metrics.csv.tmp" + dead + ".123",
                                          "plots/loss.svg.tmp" + dead + ".0"};
  const std::vector<std::string> kept = {"metrics.csv",         "summary.json.tmp" + live + ".9",
                                         ".tmp" + dead + ".1",  "a.tmp" + dead,
                                         "a.tmp" + dead + ".x", "a.tmpx.1",
                                         "a.tmp1234567890.1"};
  std::filesystem::create_directory(dir.path() / "plots");
  for (const auto& name : stale) dir.write(name, "partial");
  for (const auto& name : kept) dir.write(name, "kept");
  auto removed = remove_stale_temp_files(dir.path());
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed,
            (std::vector<std::filesystem::path>{dir.path() / stale[0], dir.path() / stale[1]}));
  for (const auto& name : stale) EXPECT_FALSE(std::filesystem::exists(dir.path() / name));
  for (const auto& name : kept) EXPECT_EQ(read_file(dir.path() / name), "kept") << name;
  EXPECT_TRUE(remove_stale_temp_files(dir.path() / "absent").empty());
}

}  // namespace
}  // namespace descent
