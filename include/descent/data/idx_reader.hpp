#pragma once
// IDX files (the MNIST format, LeCun et al.), plain or gzip-compressed (read through zlib, which
// passes uncompressed files through unchanged). Layout: magic = 0x00 0x00 dtype ndim, then ndim
// big-endian uint32 dimensions, then the values in row-major order. Only dtype 0x08 (unsigned byte)
// is read: magic 0x00000803 for images (N x rows x cols) and 0x00000801 for labels (N).
// A wrong magic, a zero dimension, a truncated or overlong file throws DataError naming the file
// (and, when truncated, the expected and actual byte counts).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "descent/data/dataset.hpp"

namespace descent::data {

struct IdxArray {
  std::vector<std::size_t> dims;
  std::vector<std::uint8_t> values;  // product of dims, row-major
};

/// Reads a whole unsigned-byte IDX file of any rank.
IdxArray read_idx(const std::filesystem::path& path);

/// Images (IDX rank 3) and their labels (IDX rank 1) as a classification data set: row i holds
/// image i flattened row by row and scaled to [0, 1] (x = byte / 255), named pixel0, pixel1, ...
/// Labels must be < class_names.size(); with no class names given they are "0", "1", ... up to
/// the largest label.
Dataset read_idx_dataset(const std::filesystem::path& images, const std::filesystem::path& labels,
                         std::vector<std::string> class_names = {});

}  // namespace descent::data
