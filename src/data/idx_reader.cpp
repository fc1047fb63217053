#include "descent/data/idx_reader.hpp"

#include <algorithm>
#include <array>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <zlib.h>

#include "descent/core/error.hpp"
#include "descent/core/memory_budget.hpp"

namespace descent::data {

namespace {

constexpr std::uint8_t kUnsignedByte = 0x08;
constexpr std::size_t kChunk = std::size_t{1} << 16;

/// An open IDX file positioned after its header.
class IdxFile {
 public:
  explicit IdxFile(const std::filesystem::path& path) : path_(path) {
    file_.reset(gzopen(path.c_str(), "rb"));
    if (!file_) {
      throw DataError("cannot open the IDX file", path.string(),
                      "check the path and the file permissions");
    }
    std::array<std::uint8_t, 4> magic{};
    read_exact(magic.data(), magic.size(), true);
    if (magic[0] != 0 || magic[1] != 0 || magic[3] == 0) {
      throw DataError(fmt::format("not an IDX file: magic number {:02x}{:02x}{:02x}{:02x}",
                                  magic[0], magic[1], magic[2], magic[3]),
                      path.string(),
                      "IDX files start with 00 00, the value type and the rank (e.g. 00000803 "
                      "for MNIST images)");
    }
    if (magic[2] != kUnsignedByte) {
      throw DataError(fmt::format("IDX value type 0x{:02x} is not supported", magic[2]),
                      path.string(), "only unsigned bytes (0x08, as in MNIST) are read");
    }
    dims_.resize(magic[3]);
    for (auto& d : dims_) {
      std::array<std::uint8_t, 4> be{};
      read_exact(be.data(), be.size(), true);
      d = std::size_t{be[0]} << 24 | std::size_t{be[1]} << 16 | std::size_t{be[2]} << 8 | be[3];
      if (d == 0) throw DataError("an IDX dimension is 0", path.string(), "the file is corrupt");
    }
    check_claimed_size(path);
    size_ = 1;
    for (auto d : dims_) size_ *= d;
  }

  const std::vector<std::size_t>& dims() const { return dims_; }
  std::size_t size() const { return size_; }  // number of values

  /// Reads the next n values; throws DataError if the file ends early.
  void read_values(std::uint8_t* out, std::size_t n) { read_exact(out, n, false); }

  /// Checks that nothing follows the declared values.
  void expect_end() {
    std::uint8_t extra;
    if (gzread(file_.get(), &extra, 1) != 0) {
      throw DataError(
          fmt::format("the IDX file is longer than its header declares ({} values)", size_),
          path_.string(), "the file is corrupt or not an IDX file");
    }
  }

 private:
  struct Closer {
    void operator()(gzFile f) const { gzclose(f); }
  };

  /// The header's dimensions are checked against the file before anything is allocated: a raw
  /// file holds header + values bytes; deflate's best ratio is about 1032:1, so a gzipped file of
  /// b bytes holds at most 1032 b values. The values (1 byte each, then a float in the Dataset)
  /// must also fit in memory.
  void check_claimed_size(const std::filesystem::path& path) {
    double claimed = 1;  // in double: four 32-bit dimensions overflow size_t
    for (auto d : dims_) claimed *= static_cast<double>(d);
    std::error_code ec;
    const auto file_bytes = static_cast<double>(std::filesystem::file_size(path, ec));
    if (ec) return;  // not a regular file: the reads will tell
    const auto header = static_cast<double>(bytes_read_);
    if (gzdirect(file_.get()) != 0 && header + claimed > file_bytes)
      throw DataError(fmt::format("truncated IDX file: expected {} bytes, found {} (the header "
                                  "claims {} values)",
                                  header + claimed, file_bytes, fmt::join(dims_, " x ")),
                      path.string(), "the file is incomplete; download or copy it again");
    if (gzdirect(file_.get()) == 0 && claimed > 1032.0 * file_bytes)
      throw DataError(
          fmt::format("the header claims {} values ({}) but a gzip file of {} bytes "
                      "holds at most {}",
                      claimed, fmt::join(dims_, " x "), file_bytes, 1032.0 * file_bytes),
          path.string(), "the file is corrupt; download it again");
    if (const auto shortfall = memory_shortfall(5 * claimed, fmt::format("{} IDX values", claimed));
        !shortfall.empty())
      throw DataError(shortfall, path.string(), "use a smaller data set");
  }

  void read_exact(std::uint8_t* out, std::size_t n, bool in_header) {
    std::size_t got = 0;
    while (got < n) {
      const auto want = static_cast<unsigned>(std::min(n - got, kChunk));
      int r = gzread(file_.get(), out + got, want);
      if (r < 0) {
        int code = 0;
        throw DataError(fmt::format("cannot read the IDX file: {}", gzerror(file_.get(), &code)),
                        path_.string(), "the file is corrupt; download it again");
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    bytes_read_ += got;
    if (got == n) return;
    if (in_header) {
      throw DataError(
          fmt::format("truncated IDX file: it ends inside the header after {} bytes", bytes_read_),
          path_.string(), "the file is empty or incomplete; download or copy it again");
    }
    throw DataError(fmt::format("truncated IDX file: expected {} bytes, found {}",
                                4 + 4 * dims_.size() + size_, bytes_read_),
                    path_.string(), "the file is incomplete; download or copy it again");
  }

  std::filesystem::path path_;
  std::unique_ptr<gzFile_s, Closer> file_;
  std::vector<std::size_t> dims_;
  std::size_t size_ = 0;
  std::size_t bytes_read_ = 0;  // uncompressed
};

void expect_rank(const IdxFile& file, std::size_t rank, const char* what,
                 const std::filesystem::path& path) {
  if (file.dims().size() != rank) {
    throw DataError(fmt::format("an IDX {} file must have rank {} (magic 0000080{}), this one has "
                                "rank {}",
                                what, rank, rank, file.dims().size()),
                    path.string(), "are the image and label files swapped?");
  }
}

}  // namespace

IdxArray read_idx(const std::filesystem::path& path) {
  IdxFile file(path);
  IdxArray array{file.dims(), std::vector<std::uint8_t>(file.size())};
  file.read_values(array.values.data(), array.values.size());
  file.expect_end();
  return array;
}

Dataset read_idx_dataset(const std::filesystem::path& images, const std::filesystem::path& labels,
                         std::vector<std::string> class_names) {
  IdxFile image_file(images);
  expect_rank(image_file, 3, "images", images);
  IdxArray label_array = read_idx(labels);
  if (label_array.dims.size() != 1) {
    throw DataError(fmt::format("an IDX labels file must have rank 1 (magic 00000801), this one "
                                "has rank {}",
                                label_array.dims.size()),
                    labels.string(), "are the image and label files swapped?");
  }
  const std::size_t n = image_file.dims()[0];
  const std::size_t pixels = image_file.dims()[1] * image_file.dims()[2];
  if (label_array.dims[0] != n) {
    throw DataError(
        fmt::format("{} labels for {} images in {}", label_array.dims[0], n, images.string()),
        labels.string(), "the image and label files must come from the same split");
  }

  Dataset data;
  data.task = Task::classification;
  data.labels.assign(label_array.values.begin(), label_array.values.end());
  if (class_names.empty()) {
    const int largest = *std::max_element(data.labels.begin(), data.labels.end());
    for (int c = 0; c <= largest; ++c) class_names.push_back(std::to_string(c));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<std::size_t>(data.labels[i]) >= class_names.size()) {
      throw DataError(fmt::format("label {} of image {} is not below the {} classes",
                                  data.labels[i], i, class_names.size()),
                      labels.string(), "the labels file does not belong to this data set");
    }
  }
  data.class_names = std::move(class_names);

  // Images: bytes to floats in [0, 1] (x = b / 255), a chunk at a time.
  resize_uninitialized(data.x, static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(pixels));
  std::vector<std::uint8_t> chunk(kChunk);
  float* out = data.x.data();
  for (std::size_t done = 0; done < image_file.size();) {
    const std::size_t m = std::min(kChunk, image_file.size() - done);
    image_file.read_values(chunk.data(), m);
    for (std::size_t i = 0; i < m; ++i) out[done + i] = static_cast<float>(chunk[i]) / 255.0f;
    done += m;
  }
  image_file.expect_end();

  data.feature_names.reserve(pixels);
  for (std::size_t p = 0; p < pixels; ++p) data.feature_names.push_back(fmt::format("pixel{}", p));
  data.target_name = "label";
  data.source = images.string();
  return data;
}

}  // namespace descent::data
