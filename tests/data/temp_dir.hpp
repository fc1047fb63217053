#pragma once
// A fresh directory under the system temp dir for one test, removed with its content afterwards.
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <unistd.h>

namespace descent::data::test {

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("descent-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// Writes `content` (bytes as given) to `name` inside the directory; returns its path.
  std::filesystem::path write(const std::string& name, std::string_view content) const {
    auto file = path_ / name;
    std::ofstream(file, std::ios::binary).write(content.data(), std::ssize(content));
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace descent::data::test
