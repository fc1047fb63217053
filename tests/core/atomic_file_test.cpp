// write_file_atomic / AtomicFileWriter / read_file: content, overwrite, parent directories, no
// temporary file left behind, errors naming the path.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace descent
