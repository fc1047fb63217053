#include "descent/data/idx_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "data/temp_dir.hpp"
#include "descent/core/error.hpp"
#include "descent/data/fashion_mnist.hpp"

namespace descent::data {
namespace {

using test::TempDir;

/// IDX bytes: 00 00 08 rank, big-endian dims, then `values`.
std::string idx_bytes(const std::vector<std::uint32_t>& dims,
                      const std::vector<std::uint8_t>& values) {
  std::string s = {0, 0, 8, static_cast<char>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((d >> shift) & 0xFF);
  }
  s.append(values.begin(), values.end());
  return s;
}

std::string read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path write_gz(const TempDir& dir, const std::string& name,
                               const std::string& bytes) {
  auto path = dir.path() / name;
  gzFile f = gzopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(f);
  return path;
}

/// 3 images of 2x2 with pixel p of image i = 60 i + 15 p (so 0..255 appears), labels 2, 0, 1.
const std::vector<std::uint8_t> kPixels = {0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 255};
const std::vector<std::uint8_t> kLabels = {2, 0, 1};

void expect_images(const Dataset& d) {
  d.validate();
  ASSERT_EQ(d.rows(), 3u);
  ASSERT_EQ(d.features(), 4u);
  for (std::size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(d.x.data()[i], static_cast<float>(kPixels[i]) / 255.0f) << i;
  }
  EXPECT_EQ(d.x(2, 3), 1.0f);
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 0, 1}));
  EXPECT_EQ(d.feature_names[3], "pixel3");
  EXPECT_EQ(d.task, Task::classification);
}

TEST(IdxReader, PlainAndGzipRoundTrip) {
  TempDir dir;
  const std::string images = idx_bytes({3, 2, 2}, kPixels), labels = idx_bytes({3}, kLabels);
  Dataset plain = read_idx_dataset(dir.write("img", images), dir.write("lbl", labels));
  expect_images(plain);
  EXPECT_EQ(plain.class_names, (std::vector<std::string>{"0", "1", "2"}));
  Dataset gz = read_idx_dataset(write_gz(dir, "img.gz", images), write_gz(dir, "lbl.gz", labels),
                                {"a", "b", "c", "d"});
  expect_images(gz);
  EXPECT_EQ(gz.classes(), 4u);

  IdxArray array = read_idx(write_gz(dir, "any.gz", idx_bytes({2, 3, 1, 2}, kPixels)));
  EXPECT_EQ(array.dims, (std::vector<std::size_t>{2, 3, 1, 2}));
  EXPECT_EQ(array.values, kPixels);
}

/// The message of the DataError that `f` throws.
template <class F>
std::string data_error(F f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DataError";
  return {};
}

TEST(IdxReader, TruncatedFilesNameTheFileAndTheByteCounts) {
  TempDir dir;
  std::string images = idx_bytes({3, 2, 2}, kPixels);
  images.resize(images.size() - 5);  // 16 header bytes + 7 of 12 pixels
  auto plain = dir.write("short-images", images);
  std::string message = data_error([&] { read_idx(plain); });
  EXPECT_NE(message.find("short-images"), std::string::npos) << message;
  EXPECT_NE(message.find("expected 28 bytes, found 23"), std::string::npos) << message;
  auto gz = write_gz(dir, "short.gz", images);
  message = data_error([&] { read_idx(gz); });
  EXPECT_NE(message.find("expected 28 bytes, found 23"), std::string::npos) << message;
  auto header = dir.write("header", idx_bytes({3, 2, 2}, {}).substr(0, 9));
  EXPECT_NE(data_error([&] { read_idx(header); }).find("inside the header"), std::string::npos);
  // A gzip stream cut short is an error too, whatever zlib reports.
  std::string compressed = read_file_bytes(write_gz(dir, "full.gz", idx_bytes({3, 2, 2}, kPixels)));
  auto cut = dir.write("cut.gz", compressed.substr(0, compressed.size() / 2));
  EXPECT_THROW(read_idx(cut), DataError);
}

TEST(IdxReader, BadMagicTypeRankAndSizes) {
  TempDir dir;
  auto text = dir.write("text", "x,y\n1,2\n");
  EXPECT_NE(data_error([&] { read_idx(text); }).find("not an IDX file"), std::string::npos);
  std::string floats = idx_bytes({1}, {0, 0, 0, 0});
  floats[2] = 0x0D;
  auto f = dir.write("floats", floats);
  EXPECT_NE(data_error([&] { read_idx(f); }).find("0x0d is not supported"), std::string::npos);
  auto zero = dir.write("zero", idx_bytes({0}, {}));
  EXPECT_NE(data_error([&] { read_idx(zero); }).find("dimension is 0"), std::string::npos);
  auto longer = dir.write("long", idx_bytes({2}, {1, 2, 3}));
  EXPECT_NE(data_error([&] { read_idx(longer); }).find("longer than its header"),
            std::string::npos);

  auto images = dir.write("img", idx_bytes({3, 2, 2}, kPixels));
  auto labels = dir.write("lbl", idx_bytes({3}, kLabels));
  EXPECT_NE(data_error([&] { read_idx_dataset(labels, images); }).find("rank 3"),
            std::string::npos);
  auto two = dir.write("two", idx_bytes({2}, {0, 1}));
  EXPECT_NE(data_error([&] { read_idx_dataset(images, two); }).find("2 labels for 3 images"),
            std::string::npos);
  EXPECT_NE(data_error([&] {
              read_idx_dataset(images, labels, {"a", "b"});
            }).find("label 2"),
            std::string::npos);
  EXPECT_THROW(read_idx(dir.path() / "missing"), DataError);
}

TEST(FashionMnist, MissingFilesGiveAHint) {
  TempDir dir;
  std::string message = data_error([&] { load_fashion_mnist("test", dir.path()); });
  EXPECT_NE(message.find("t10k-images-idx3-ubyte.gz"), std::string::npos) << message;
  EXPECT_THROW(load_fashion_mnist("validation", dir.path()), ConfigError);
}

TEST(FashionMnist, OfficialTestSplitIfInstalled) {
  if (!std::filesystem::exists(fashion_mnist_default_dir() / "t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  Dataset d = load_fashion_mnist("test");
  d.validate();
  EXPECT_EQ(d.rows(), 10000u);
  EXPECT_EQ(d.features(), 784u);
  EXPECT_EQ(d.class_names, fashion_mnist_classes());
  EXPECT_EQ(d.source, "fashion-mnist:test");
  // std::minmax_element, not Eigen's minCoeff: GCC 12 warns falsely on its AVX-512 code.
  auto [lo, hi] = std::minmax_element(d.x.data(), d.x.data() + d.x.size());
  EXPECT_EQ(*lo, 0.0f);
  EXPECT_EQ(*hi, 1.0f);
  // The published test split is balanced: 1000 images per class.
  std::vector<int> counts(10);
  for (auto label : d.labels) ++counts[static_cast<std::size_t>(label)];
  EXPECT_EQ(counts, std::vector<int>(10, 1000));
}

}  // namespace
}  // namespace descent::data
