#include "descent/core/safetensors.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"

namespace descent {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; descent reads it in place");

namespace {

struct DtypeInfo {
  Dtype dtype;
  std::string_view name;
  std::size_t size;
};

constexpr std::array<DtypeInfo, 15> kDtypes{{{Dtype::BOOL, "BOOL", 1},
                                             {Dtype::U8, "U8", 1},
                                             {Dtype::I8, "I8", 1},
                                             {Dtype::F8_E5M2, "F8_E5M2", 1},
                                             {Dtype::F8_E4M3, "F8_E4M3", 1},
                                             {Dtype::I16, "I16", 2},
                                             {Dtype::U16, "U16", 2},
                                             {Dtype::F16, "F16", 2},
                                             {Dtype::BF16, "BF16", 2},
                                             {Dtype::I32, "I32", 4},
                                             {Dtype::U32, "U32", 4},
                                             {Dtype::F32, "F32", 4},
                                             {Dtype::F64, "F64", 8},
                                             {Dtype::I64, "I64", 8},
                                             {Dtype::U64, "U64", 8}}};

const DtypeInfo& dtype_info(Dtype dtype) {
  for (const auto& d : kDtypes)
    if (d.dtype == dtype) return d;
  throw UsageError("invalid Dtype value");
}

constexpr std::string_view kMetadataKey = "__metadata__";
constexpr std::string_view kDataCrcKey = "descent.data_crc32";
constexpr std::string_view kHeaderCrcKey = "descent.header_crc32";
constexpr std::size_t kCrcDigits = 8;
constexpr std::size_t kPrefixSize = 8;

std::uint32_t crc32_of(std::uint32_t crc, std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

std::string hex(std::uint32_t crc) {
  return fmt::format("{:08x}", crc);
}

/// Position of the 8 hex digits of "descent.header_crc32" in the raw header text, or npos if the
/// key does not occur. More than one occurrence is an error (the field must be unambiguous).
std::size_t find_header_crc(std::string_view header, const std::string& origin) {
  const std::string token = fmt::format("\"{}\"", kHeaderCrcKey);
  std::size_t found = std::string_view::npos;
  for (std::size_t at = header.find(token); at != std::string_view::npos;
       at = header.find(token, at + 1)) {
    std::size_t i = at + token.size();
    auto skip_space = [&] {
      while (i < header.size() &&
             (header[i] == ' ' || header[i] == '\t' || header[i] == '\n' || header[i] == '\r'))
        ++i;
    };
    skip_space();
    if (i >= header.size() || header[i] != ':') continue;  // not a key (e.g. inside a value)
    ++i;
    skip_space();
    if (i >= header.size() || header[i] != '"') continue;  // a tensor of that name, not the field
    if (i + kCrcDigits + 2 > header.size() || header[i + kCrcDigits + 1] != '"')
      throw CheckpointError(fmt::format("{} is not an 8-digit hex string", kHeaderCrcKey), origin,
                            "the file is corrupt");
    if (found != std::string_view::npos)
      throw CheckpointError(fmt::format("{} occurs more than once in the header", kHeaderCrcKey),
                            origin, "the file is corrupt");
    found = i + 1;
  }
  return found;
}

/// CRC-32 of the length prefix and the header, the header checksum's digits read as zeros.
std::uint32_t header_crc(std::string_view prefix, std::string_view header, std::size_t digits_at) {
  std::uint32_t crc = crc32_of(crc32_z(0, nullptr, 0), prefix);
  crc = crc32_of(crc, header.substr(0, digits_at));
  crc = crc32_of(crc, std::string(kCrcDigits, '0'));
  return crc32_of(crc, header.substr(digits_at + kCrcDigits));
}

std::size_t checked_numel(const Shape& shape, bool& overflow) {
  std::size_t n = 1;
  overflow = false;
  for (std::size_t d : shape) {
    if (d != 0 && n > SIZE_MAX / d) overflow = true;
    n *= d;
  }
  return n;
}

/// Parses JSON text, rejecting duplicate keys in any object (nlohmann keeps the last silently).
nlohmann::json parse_json_strict(std::string_view text, const std::string& origin) {
  std::vector<std::set<std::string>> keys;
  auto callback = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) keys.emplace_back();
    if (event == E::object_end) keys.pop_back();
    if (event == E::key && !keys.back().insert(parsed.get<std::string>()).second)
      throw CheckpointError(fmt::format("header has the key '{}' twice", parsed.get<std::string>()),
                            origin, "tensor names and metadata keys must be unique");
    return true;
  };
  try {
    return nlohmann::json::parse(text, callback);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(fmt::format("header is not valid JSON ({})", e.what()), origin,
                          "the file is truncated or corrupt");
  }
}

TensorInfo parse_entry(const std::string& name, const nlohmann::json& j,
                       const std::string& origin) {
  auto bad = [&](const std::string& what) {
    return CheckpointError(fmt::format("tensor '{}': {}", name, what), origin,
                           "the file is corrupt or not a safetensors file");
  };
  if (name.empty()) throw bad("empty tensor name");
  if (!j.is_object()) throw bad("entry is not an object");
  for (const auto& [key, value] : j.items())
    if (key != "dtype" && key != "shape" && key != "data_offsets")
      throw bad(fmt::format("unexpected field '{}'", key));
  if (!j.contains("dtype") || !j["dtype"].is_string()) throw bad("missing or non-string dtype");
  TensorInfo t{name, Dtype::U8, {}, 0, 0};
  const std::string dtype = j["dtype"].get<std::string>();
  auto it = std::find_if(kDtypes.begin(), kDtypes.end(), [&](auto& d) { return d.name == dtype; });
  if (it == kDtypes.end()) throw bad(fmt::format("unknown dtype '{}'", dtype));
  t.dtype = it->dtype;
  if (!j.contains("shape") || !j["shape"].is_array()) throw bad("missing or non-array shape");
  for (const auto& d : j["shape"]) {
    if (!d.is_number_unsigned()) throw bad("shape entries must be non-negative integers");
    t.shape.push_back(d.get<std::size_t>());
  }
  const auto& offsets = j.contains("data_offsets") ? j["data_offsets"] : nlohmann::json();
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned())
    throw bad("data_offsets must be [begin, end], non-negative integers");
  t.begin = offsets[0].get<std::size_t>();
  t.end = offsets[1].get<std::size_t>();
  if (t.begin > t.end)
    throw bad(fmt::format("data_offsets [{}, {}] end before begin", t.begin, t.end));
  bool overflow = false;
  std::size_t numel = checked_numel(t.shape, overflow);
  const std::size_t size = it->size;
  if (overflow || numel > SIZE_MAX / size || numel * size != t.end - t.begin)
    throw bad(fmt::format("shape [{}] of {} needs {} bytes, data_offsets give {}",
                          fmt::join(t.shape, ", "), dtype, overflow ? 0 : numel * size,
                          t.end - t.begin));
  return t;
}

std::string read_contents(const std::filesystem::path& path) {
  try {
    return read_file(path);
  } catch (const DataError& e) {
    throw CheckpointError(e.reason(), path.string(), "check the path of the checkpoint");
  }
}

}  // namespace

std::string_view dtype_name(Dtype dtype) {
  return dtype_info(dtype).name;
}
std::size_t dtype_size(Dtype dtype) {
  return dtype_info(dtype).size;
}

std::size_t TensorInfo::numel() const {
  return (end - begin) / dtype_size(dtype);
}

// ---------------------------------------------------------------------------------------------
// Writer

template <class T>
void SafetensorsWriter::add(std::string name, std::span<const T> data, Shape shape) {
  if (name.empty()) throw UsageError("safetensors tensor name is empty");
  if (name == kMetadataKey)
    throw UsageError("'__metadata__' is reserved", name, "choose another tensor name");
  for (const auto& e : entries_)
    if (e.name == name) throw UsageError("duplicate tensor name", name, "tensor names are unique");
  bool overflow = false;
  if (checked_numel(shape, overflow) != data.size() || overflow)
    throw UsageError(
        fmt::format("shape [{}] does not hold {} elements", fmt::join(shape, ", "), data.size()),
        name);
  const std::size_t begin = data_.size();
  data_.append(reinterpret_cast<const char*>(data.data()), data.size_bytes());
  entries_.push_back({std::move(name), dtype_of<T>(), std::move(shape), begin, data_.size()});
}

void SafetensorsWriter::set_metadata(std::string key, std::string value) {
  if (key.starts_with("descent."))
    throw UsageError("metadata keys starting with 'descent.' are reserved", key);
  metadata_[std::move(key)] = std::move(value);
}

std::string SafetensorsWriter::serialize() const {
  nlohmann::json header = nlohmann::json::object();
  for (const auto& e : entries_)
    header[e.name] = {
        {"dtype", dtype_name(e.dtype)}, {"shape", e.shape}, {"data_offsets", {e.begin, e.end}}};
  nlohmann::json meta(metadata_);
  meta[std::string(kDataCrcKey)] = hex(crc32_of(crc32_z(0, nullptr, 0), data_));
  meta[std::string(kHeaderCrcKey)] = std::string(kCrcDigits, '0');
  header[std::string(kMetadataKey)] = std::move(meta);
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::type_error& e) {
    throw UsageError(fmt::format("cannot write safetensors header: {}", e.what()), "",
                     "tensor names and metadata must be valid UTF-8");
  }
  // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
  text.append((kPrefixSize - text.size() % kPrefixSize) % kPrefixSize, ' ');
  std::string prefix(kPrefixSize, '\0');
  const std::uint64_t n = text.size();
  std::memcpy(prefix.data(), &n, sizeof n);
  const std::size_t at = find_header_crc(text, "safetensors writer");
  text.replace(at, kCrcDigits, hex(header_crc(prefix, text, at)));
  std::string out;
  out.reserve(prefix.size() + text.size() + data_.size());
  out += prefix;
  out += text;
  out += data_;
  return out;
}

void SafetensorsWriter::write(const std::filesystem::path& path) const {
  write_file_atomic(path, serialize());
}

// ---------------------------------------------------------------------------------------------
// Reader

SafetensorsFile SafetensorsFile::read(const std::filesystem::path& path, Integrity integrity) {
  return parse(read_contents(path), path.string(), integrity);
}

SafetensorsFile SafetensorsFile::parse(std::string contents, std::string origin,
                                       Integrity integrity) {
  const std::string hint_truncated = "the file is truncated or corrupt; write it again";
  if (contents.size() < kPrefixSize)
    throw CheckpointError(
        fmt::format("file has {} bytes, fewer than the 8-byte header length", contents.size()),
        origin, hint_truncated);
  std::uint64_t n = 0;
  std::memcpy(&n, contents.data(), sizeof n);
  if (n > contents.size() - kPrefixSize)
    throw CheckpointError(fmt::format("header length {} exceeds the {} bytes after it", n,
                                      contents.size() - kPrefixSize),
                          origin, hint_truncated);
  if (n < 2)
    throw CheckpointError(fmt::format("header length {} is too short for a JSON object", n), origin,
                          hint_truncated);

  SafetensorsFile file;
  const std::string_view all(contents);
  const std::string_view header = all.substr(kPrefixSize, n);
  const std::string_view data = all.substr(kPrefixSize + n);
  if (header.front() != '{')
    throw CheckpointError("header does not start with '{'", origin,
                          "the file is corrupt or not a safetensors file");
  const nlohmann::json j = parse_json_strict(header, origin);
  if (!j.is_object())
    throw CheckpointError("header is not a JSON object", origin, "the file is corrupt");

  for (const auto& [key, value] : j.items()) {
    if (key == kMetadataKey) {
      if (!value.is_object())
        throw CheckpointError("__metadata__ is not an object", origin, "the file is corrupt");
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string())
          throw CheckpointError(fmt::format("metadata '{}' is not a string", k), origin,
                                "safetensors metadata maps strings to strings");
        file.metadata_[k] = v.get<std::string>();
      }
      continue;
    }
    file.tensors_.push_back(parse_entry(key, value, origin));
  }

  // The tensors must tile the data section: contiguous, non-overlapping, no gap, no excess.
  std::sort(file.tensors_.begin(), file.tensors_.end(),
            [](const TensorInfo& a, const TensorInfo& b) {
              return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
            });
  std::size_t expected = 0;
  for (const auto& t : file.tensors_) {
    if (t.begin != expected)
      throw CheckpointError(
          fmt::format("tensor '{}' starts at byte {} of the data, expected {} ({})", t.name,
                      t.begin, expected, t.begin < expected ? "overlap" : "gap"),
          origin, "the file is corrupt");
    expected = t.end;
  }
  if (expected != data.size())
    throw CheckpointError(
        fmt::format("data section has {} bytes, the tensors describe {}", data.size(), expected),
        origin,
        data.size() < expected ? hint_truncated : "the file has trailing bytes; it is corrupt");

  // Integrity: descent's checksums of the header and of the data.
  const auto header_field = file.metadata_.find(std::string(kHeaderCrcKey));
  const auto data_field = file.metadata_.find(std::string(kDataCrcKey));
  const bool has_header = header_field != file.metadata_.end();
  const bool has_data = data_field != file.metadata_.end();
  if (integrity == Integrity::required && !(has_header && has_data))
    throw CheckpointError(
        fmt::format("metadata lacks the checksum '{}'", has_header ? kDataCrcKey : kHeaderCrcKey),
        origin,
        "descent writes checksums in every file; read foreign files with Integrity::if_present");
  if (has_header) {
    const std::size_t at = find_header_crc(header, origin);
    if (at == std::string_view::npos || header.substr(at, kCrcDigits) != header_field->second)
      throw CheckpointError(fmt::format("cannot locate the value of '{}'", kHeaderCrcKey), origin,
                            "the file is corrupt");
    const std::string actual = hex(header_crc(all.substr(0, kPrefixSize), header, at));
    if (actual != header_field->second)
      throw CheckpointError(fmt::format("header checksum mismatch: stored {}, computed {}",
                                        header_field->second, actual),
                            origin, "the file was altered or is corrupt");
  }
  if (has_data) {
    const std::string actual = hex(crc32_of(crc32_z(0, nullptr, 0), data));
    if (actual != data_field->second)
      throw CheckpointError(
          fmt::format("data checksum mismatch: stored {}, computed {}", data_field->second, actual),
          origin, "the file was altered or is corrupt");
  }

  for (std::size_t i = 0; i < file.tensors_.size(); ++i)
    file.index_.emplace(file.tensors_[i].name, i);
  file.origin_ = std::move(origin);
  file.data_begin_ = kPrefixSize + n;
  file.contents_ = std::move(contents);
  return file;
}

bool SafetensorsFile::contains(std::string_view name) const {
  return index_.find(name) != index_.end();
}

const TensorInfo& SafetensorsFile::info(std::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end())
    throw CheckpointError(fmt::format("no tensor '{}'", name), origin_,
                          "the checkpoint was written for a different model or optimizer");
  return tensors_[it->second];
}

std::span<const std::byte> SafetensorsFile::bytes(std::string_view name) const {
  const TensorInfo& t = info(name);
  return std::as_bytes(
      std::span<const char>(contents_.data() + data_begin_ + t.begin, t.end - t.begin));
}

template <class T>
const TensorInfo& SafetensorsFile::typed(std::string_view name) const {
  const TensorInfo& t = info(name);
  if (t.dtype != dtype_of<T>())
    throw CheckpointError(fmt::format("tensor '{}' has dtype {}, expected {}", name,
                                      dtype_name(t.dtype), dtype_name(dtype_of<T>())),
                          origin_, "load it with the scalar type it was saved with");
  return t;
}

template <class T>
std::vector<T> SafetensorsFile::get(std::string_view name) const {
  const TensorInfo& t = typed<T>(name);
  std::vector<T> out(t.numel());
  if (!out.empty())  // an empty tensor: out.data() may be null, which memcpy must not get
    std::memcpy(out.data(), contents_.data() + data_begin_ + t.begin, t.end - t.begin);
  return out;
}

template <class T>
void SafetensorsFile::copy_to(std::string_view name, std::span<T> out) const {
  const TensorInfo& t = typed<T>(name);
  if (t.numel() != out.size())
    throw CheckpointError(
        fmt::format("tensor '{}' has {} elements, expected {}", name, t.numel(), out.size()),
        origin_, "the checkpoint was written for a different model");
  if (!out.empty())
    std::memcpy(out.data(), contents_.data() + data_begin_ + t.begin, t.end - t.begin);
}

const std::string& SafetensorsFile::metadata(const std::string& key) const {
  auto it = metadata_.find(key);
  if (it == metadata_.end())
    throw CheckpointError(fmt::format("metadata has no '{}'", key), origin_,
                          "the file was not written by this version of descent");
  return it->second;
}

#define DESCENT_SAFETENSORS_TYPE(T)                                                \
  template void SafetensorsWriter::add<T>(std::string, std::span<const T>, Shape); \
  template std::vector<T> SafetensorsFile::get<T>(std::string_view) const;         \
  template void SafetensorsFile::copy_to<T>(std::string_view, std::span<T>) const;
DESCENT_SAFETENSORS_TYPE(float)
DESCENT_SAFETENSORS_TYPE(double)
DESCENT_SAFETENSORS_TYPE(std::int64_t)
#undef DESCENT_SAFETENSORS_TYPE

}  // namespace descent
