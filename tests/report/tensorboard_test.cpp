// TensorBoard event files read back by a reader written here, independently of the writer: every
// record's masked CRC-32C is checked, every Event / Summary / Value is decoded from the protobuf
// wire format, and every scalar must equal (as float) its cell in metrics.csv / steps.csv.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include "descent/core/atomic_file.hpp"
#include "descent/report/tensorboard.hpp"
#include "support/cli.hpp"

namespace {

namespace fs = std::filesystem;

// CRC-32C bit by bit (no table), as in RFC 3720's definition.
std::uint32_t crc32c_bitwise(std::string_view s) {
  std::uint32_t crc = ~0u;
  for (unsigned char b : s) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
  }
  return ~crc;
}
std::uint32_t masked(std::string_view s) {
  const std::uint32_t c = crc32c_bitwise(s);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

std::uint64_t le(std::string_view s, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s.at(at + i));
  return v;
}

struct Reader {
  std::string_view s;
  std::size_t pos = 0;
  bool done() const { return pos >= s.size(); }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<unsigned char>(s.at(pos++));
      v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  std::string_view bytes() {
    const auto n = varint();
    auto out = s.substr(pos, n);
    if (out.size() != n) throw std::runtime_error("truncated field");
    pos += n;
    return out;
  }
};

struct Event {
  double wall_time = 0;
  std::int64_t step = 0;
  std::string file_version;
  std::map<std::string, float> scalars;
};

Event decode_event(std::string_view data) {
  Event e;
  Reader r{data};
  while (!r.done()) {
    const auto key = r.varint();
    const int field = static_cast<int>(key >> 3), wire = static_cast<int>(key & 7);
    if (field == 1 && wire == 1) {
      const std::uint64_t bits = le(data, r.pos, 8);
      std::memcpy(&e.wall_time, &bits, 8);
      r.pos += 8;
    } else if (field == 2 && wire == 0) {
      e.step = static_cast<std::int64_t>(r.varint());
    } else if (field == 3 && wire == 2) {
      e.file_version = std::string(r.bytes());
    } else if (field == 5 && wire == 2) {
      Reader summary{r.bytes()};
      while (!summary.done()) {
        if (summary.varint() != ((1 << 3) | 2)) throw std::runtime_error("bad Summary field");
        Reader value{summary.bytes()};
        std::string tag;
        float v = NAN;
        while (!value.done()) {
          const auto k = value.varint();
          if (k == ((1 << 3) | 2)) {
            tag = std::string(value.bytes());
          } else if (k == ((2 << 3) | 5)) {
            const auto bits = static_cast<std::uint32_t>(le(value.s, value.pos, 4));
            std::memcpy(&v, &bits, 4);
            value.pos += 4;
          } else {
            throw std::runtime_error("unexpected Value field");
          }
        }
        e.scalars[tag] = v;
      }
    } else {
      throw std::runtime_error("unexpected Event field " + std::to_string(field));
    }
  }
  return e;
}

/// Every record of a TFRecord file; throws on a length or data CRC mismatch.
std::vector<Event> read_events(const std::string& file) {
  std::vector<Event> events;
  std::size_t pos = 0;
  while (pos < file.size()) {
    if (file.size() - pos < 12) throw std::runtime_error("truncated record header");
    const std::string_view length_bytes(file.data() + pos, 8);
    const std::uint64_t n = le(file, pos, 8);
    if (le(file, pos + 8, 4) != masked(length_bytes))
      throw std::runtime_error("length CRC mismatch");
    if (file.size() - pos - 12 < n + 4) throw std::runtime_error("truncated record");
    const std::string_view data(file.data() + pos + 12, n);
    if (le(file, pos + 12 + n, 4) != masked(data)) throw std::runtime_error("data CRC mismatch");
    events.push_back(decode_event(data));
    pos += 12 + n + 4;
  }
  return events;
}

/// CSV -> rows of name -> value (empty cells left out).
std::vector<std::map<std::string, double>> read_csv(const fs::path& path) {
  std::istringstream in(descent::read_file(path));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  std::istringstream header(line);
  for (std::string cell; std::getline(header, cell, ',');) names.push_back(cell);
  std::vector<std::map<std::string, double>> rows;
  while (std::getline(in, line)) {
    std::istringstream cells(line + ",");
    std::map<std::string, double> row;
    std::string cell;
    for (std::size_t j = 0; j < names.size() && std::getline(cells, cell, ','); ++j)
      if (!cell.empty()) row[names[j]] = std::strtod(cell.c_str(), nullptr);
    rows.push_back(row);
  }
  return rows;
}

TEST(TensorBoard, Crc32cMatchesTheStandardCheckValue) {
  EXPECT_EQ(descent::report::crc32c("123456789"), 0xe3069283u);  // RFC 3720 / iSCSI check value
  EXPECT_EQ(descent::report::crc32c("hello world"), crc32c_bitwise("hello world"));
  EXPECT_EQ(descent::report::masked_crc32c("abc"), masked("abc"));
}

TEST(TensorBoard, EveryScalarOfATrainingRunReadsBackAndACorruptByteIsCaught) {
  const auto dir = descent::test::scratch_dir();
  const auto r = descent::test::run_cli(
      "train --data synthetic:blobs --samples 200 --model mlp:8 --batch-size 32 --epochs 4 "
      "--val-split 0.2 --log-steps --progress none --out " +
      (dir / "run").string());
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "run"))
    if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0)
      files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  const std::string bytes = descent::read_file(files[0]);
  const auto events = read_events(bytes);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].file_version, "brain.Event:2");

  // tag -> step -> value, from the events
  std::map<std::string, std::map<std::int64_t, float>> logged;
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(events[i].wall_time, 1.6e9);
    for (const auto& [tag, v] : events[i].scalars) {
      EXPECT_FALSE(logged[tag].contains(events[i].step)) << tag << " twice at " << events[i].step;
      logged[tag][events[i].step] = v;
    }
  }
  std::size_t compared = 0;
  auto check = [&](const fs::path& csv, const std::string& x, const std::string& prefix) {
    for (const auto& row : read_csv(csv)) {
      const auto step = static_cast<std::int64_t>(row.at(x));
      for (const auto& [name, value] : row) {
        if (name == x || name == "epoch") continue;  // steps.csv's epoch is not a scalar
        const auto tag = logged.find(prefix + name);
        ASSERT_NE(tag, logged.end()) << prefix + name;
        ASSERT_TRUE(tag->second.contains(step)) << prefix + name << " at " << step;
        EXPECT_EQ(tag->second.at(step), static_cast<float>(value))
            << prefix + name << " at " << step;
        ++compared;
      }
    }
  };
  check(dir / "run" / "metrics.csv", "epoch", "epoch/");
  check(dir / "run" / "steps.csv", "step", "step/");
  std::size_t total = 0;
  for (const auto& [tag, values] : logged) total += values.size();
  EXPECT_EQ(compared, total);  // nothing in the events that is not in the CSV files
  EXPECT_GE(compared, 4u * 5 + 20u * 4);

  for (const std::size_t at :
       {std::size_t{3}, std::size_t{10}, bytes.size() / 2, bytes.size() - 2}) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    EXPECT_THROW(read_events(bad), std::runtime_error) << "corrupted byte " << at;
  }
}

}  // namespace
