#pragma once
// safetensors files: an 8-byte little-endian header length N, N bytes of JSON header
//   {"<tensor>": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"<key>": "<string>", ...}}
// padded with spaces, then the raw little-endian tensor data (offsets relative to its start).
//
// descent adds two integrity fields to __metadata__: "descent.data_crc32" (CRC-32 of the data
// section) and "descent.header_crc32" (CRC-32 of the length prefix and the header with this field's
// 8 hex digits read as "00000000"). The reader is strict: any inconsistency, truncation or altered
// byte is a CheckpointError naming the file and what is wrong.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/params.hpp"

namespace descent {

/// Element types of the safetensors format.
enum class Dtype {
  BOOL,
  U8,
  I8,
  F8_E5M2,
  F8_E4M3,
  I16,
  U16,
  F16,
  BF16,
  I32,
  U32,
  F32,
  F64,
  I64,
  U64
};

std::string_view dtype_name(Dtype dtype);
std::size_t dtype_size(Dtype dtype);

/// The dtype of a C++ element type readable and writable as a typed tensor.
template <class T>
constexpr Dtype dtype_of();
template <>
constexpr Dtype dtype_of<float>() {
  return Dtype::F32;
}
template <>
constexpr Dtype dtype_of<double>() {
  return Dtype::F64;
}
template <>
constexpr Dtype dtype_of<std::int64_t>() {
  return Dtype::I64;
}

/// Whether the reader insists on descent's checksums (files written by descent) or only checks
/// them when present (files written by other tools).
enum class Integrity { required, if_present };

/// Collects named tensors and metadata, then writes one safetensors file atomically.
class SafetensorsWriter {
 public:
  /// Adds a tensor (copied now); its numel must equal data.size(). Names are unique and must not
  /// be "__metadata__". A scalar has shape {}.
  template <class T>
  void add(std::string name, std::span<const T> data, Shape shape);
  template <class T>
  void add(std::string name, const std::vector<T>& data, Shape shape) {
    add(std::move(name), std::span<const T>(data), std::move(shape));
  }
  /// Sets a metadata entry; keys starting with "descent." are reserved for the checksums.
  void set_metadata(std::string key, std::string value);

  /// The complete file contents.
  std::string serialize() const;
  /// Writes serialize() to `path` with write_file_atomic.
  void write(const std::filesystem::path& path) const;

 private:
  struct Entry {
    std::string name;
    Dtype dtype;
    Shape shape;
    std::size_t begin, end;
  };
  std::vector<Entry> entries_;
  std::string data_;
  std::map<std::string, std::string> metadata_;
};

/// One tensor of a file: its dtype, shape and byte range in the data section.
struct TensorInfo {
  std::string name;
  Dtype dtype;
  Shape shape;
  std::size_t begin, end;
  std::size_t numel() const;
};

/// A validated safetensors file held in memory.
class SafetensorsFile {
 public:
  /// Reads and validates a file. CheckpointError naming the file on any problem.
  static SafetensorsFile read(const std::filesystem::path& path,
                              Integrity integrity = Integrity::required);
  /// Validates file contents already in memory; `origin` names them in errors.
  static SafetensorsFile parse(std::string contents, std::string origin,
                               Integrity integrity = Integrity::required);

  const std::string& origin() const { return origin_; }
  /// Tensors in file order (by data offset).
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  bool contains(std::string_view name) const;
  /// A tensor's description; CheckpointError if absent.
  const TensorInfo& info(std::string_view name) const;
  /// A tensor's raw little-endian bytes.
  std::span<const std::byte> bytes(std::string_view name) const;

  /// A copy of a tensor's elements; CheckpointError if absent or of another dtype.
  template <class T>
  std::vector<T> get(std::string_view name) const;
  /// Copies a tensor into `out`; CheckpointError if absent, of another dtype or another numel.
  template <class T>
  void copy_to(std::string_view name, std::span<T> out) const;

  /// __metadata__ (including the descent.* checksum entries).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  /// One metadata value; CheckpointError naming the key if absent.
  const std::string& metadata(const std::string& key) const;

 private:
  SafetensorsFile() = default;
  template <class T>
  const TensorInfo& typed(std::string_view name) const;

  std::string origin_;
  std::string contents_;
  std::size_t data_begin_ = 0;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::size_t, std::less<>> index_;  // name -> position in tensors_
  std::map<std::string, std::string> metadata_;
};

}  // namespace descent
