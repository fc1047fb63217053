#include "descent/report/tensorboard.hpp"

#include <unistd.h>

#include <array>
#include <cmath>
#include <cstring>

#include <fmt/core.h>

#include "descent/core/atomic_file.hpp"

namespace descent::report {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::uint32_t, 256> crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    t[i] = c;
  }
  return t;
}

void put_fixed(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

// A field key: (field number << 3) | wire type (0 varint, 1 64-bit, 2 length-delimited, 5 32-bit).
void put_key(std::string& out, int field, int wire) {
  put_varint(out, (field << 3) | wire);
}

void put_bytes(std::string& out, int field, std::string_view bytes) {
  put_key(out, field, 2);
  put_varint(out, bytes.size());
  out += bytes;
}

std::string event_head(double wall_time, std::int64_t step) {
  std::string e;
  std::uint64_t bits = 0;
  std::memcpy(&bits, &wall_time, sizeof bits);
  put_key(e, 1, 1);
  put_fixed(e, bits, 8);
  if (step != 0) {
    put_key(e, 2, 0);
    put_varint(e, static_cast<std::uint64_t>(step));
  }
  return e;
}

}  // namespace

std::uint32_t crc32c(std::string_view data) {
  static constexpr auto table = crc_table();
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

std::uint32_t masked_crc32c(std::string_view data) {
  const std::uint32_t c = crc32c(data);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

std::string tfrecord(std::string_view data) {
  std::string out, length;
  put_fixed(length, data.size(), 8);
  out += length;
  put_fixed(out, masked_crc32c(length), 4);
  out += data;
  put_fixed(out, masked_crc32c(data), 4);
  return out;
}

std::string scalar_event(double wall_time, std::int64_t step,
                         const std::vector<std::pair<std::string, float>>& scalars) {
  std::string summary;
  for (const auto& [tag, value] : scalars) {
    std::string v;
    put_bytes(v, 1, tag);
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    put_key(v, 2, 5);
    put_fixed(v, bits, 4);
    put_bytes(summary, 1, v);
  }
  std::string e = event_head(wall_time, step);
  put_bytes(e, 5, summary);
  return e;
}

std::string file_version_event(double wall_time) {
  std::string e = event_head(wall_time, 0);
  put_bytes(e, 3, "brain.Event:2");
  return e;
}

fs::path write_tensorboard_events(const RunData& run, double wall_time) {
  std::string out = tfrecord(file_version_event(wall_time));
  auto add_table = [&](const Table& t, const std::string& x, const std::string& prefix) {
    const auto* xs = t.column(x);
    if (!xs) return;
    for (std::size_t i = 0; i < t.rows(); ++i) {
      std::vector<std::pair<std::string, float>> scalars;
      for (std::size_t j = 0; j < t.names.size(); ++j)
        if (t.names[j] != x && t.names[j] != "epoch" && !std::isnan(t.columns[j][i]))
          scalars.emplace_back(prefix + t.names[j], static_cast<float>(t.columns[j][i]));
      if (!scalars.empty())
        out += tfrecord(scalar_event(wall_time, static_cast<std::int64_t>((*xs)[i]), scalars));
    }
  };
  add_table(run.epochs, "epoch", "epoch/");
  add_table(run.steps, "step", "step/");
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run.dir, ec))
    if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0)
      fs::remove(e.path(), ec);
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  const fs::path path = run.dir / fmt::format("events.out.tfevents.{}.{}",
                                              static_cast<std::int64_t>(wall_time), host);
  write_file_atomic(path, out, Durability::unsynced);
  return path;
}

}  // namespace descent::report
