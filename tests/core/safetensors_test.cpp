#include "descent/core/safetensors.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "descent/core/error.hpp"
#include "support/golden.hpp"

namespace descent {
namespace {

using ::testing::HasSubstr;

std::string small_file() {
  SafetensorsWriter w;
  w.add("w", std::vector<float>{1.5f, -2.0f, 0.25f}, {3});
  w.add("step", std::vector<std::int64_t>{7}, {});
  w.set_metadata("optimizer", "sgd");
  return w.serialize();
}

/// A file from a hand-written header and data (no checksums), for the structural checks.
std::string handmade(const std::string& header, std::size_t data_bytes) {
  std::string out(8, '\0');
  const std::uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  return out + header + std::string(data_bytes, '\x01');
}

std::string structural_error(const std::string& header, std::size_t data_bytes) {
  try {
    SafetensorsFile::parse(handmade(header, data_bytes), "hand.safetensors", Integrity::if_present);
  } catch (const CheckpointError& e) {
    EXPECT_EQ(e.where(), "hand.safetensors");
    return e.reason();
  }
  ADD_FAILURE() << "accepted: " << header;
  return {};
}

TEST(Safetensors, RoundTripKeepsEveryBitOrderAndMetadata) {
  const std::vector<float> f{0.1f,
                             -0.0f,
                             std::numeric_limits<float>::denorm_min(),
                             std::numeric_limits<float>::infinity(),
                             3e38f,
                             -7.0f};
  const std::vector<double> d{1.0 / 3.0, std::nan(""), -1e-310};
  const std::vector<std::int64_t> i{std::numeric_limits<std::int64_t>::min(), 0, 42};
  SafetensorsWriter w;
  w.add("b.float", f, {2, 3});
  w.add("a.double", d, {3});
  w.add("scalar", std::vector<double>{2.5}, {});
  w.add("empty", std::vector<float>{}, {0, 5});
  w.add("ints", i, {1, 3});
  w.set_metadata("name", "value with \"quotes\" and ünïcode");
  const auto dir = std::filesystem::temp_directory_path() /
                   ("descent_safetensors_" + std::to_string(::getpid()));
  const auto path = dir / "round.safetensors";
  w.write(path);
  const auto file = SafetensorsFile::read(path);
  std::filesystem::remove_all(dir);

  ASSERT_EQ(file.tensors().size(), 5u);
  EXPECT_EQ(file.tensors()[0].name, "b.float");  // file order is insertion order
  EXPECT_EQ(file.tensors()[4].name, "ints");
  EXPECT_EQ(file.info("b.float").shape, (Shape{2, 3}));
  EXPECT_EQ(file.info("scalar").shape, Shape{});
  EXPECT_EQ(file.info("ints").dtype, Dtype::I64);
  auto f2 = file.get<float>("b.float");
  auto d2 = file.get<double>("a.double");
  ASSERT_EQ(f2.size(), f.size());
  ASSERT_EQ(d2.size(), d.size());
  for (std::size_t k = 0; k < f.size(); ++k)
    EXPECT_EQ(std::bit_cast<std::uint32_t>(f2[k]), std::bit_cast<std::uint32_t>(f[k]));
  for (std::size_t k = 0; k < d.size(); ++k)
    EXPECT_EQ(std::bit_cast<std::uint64_t>(d2[k]), std::bit_cast<std::uint64_t>(d[k]));
  EXPECT_EQ(file.get<std::int64_t>("ints"), i);
  EXPECT_EQ(file.get<double>("scalar"), std::vector<double>{2.5});
  EXPECT_TRUE(file.get<float>("empty").empty());
  EXPECT_EQ(file.metadata("name"), "value with \"quotes\" and ünïcode");
  std::vector<double> out(3);
  file.copy_to<double>("a.double", out);
  EXPECT_EQ(out[0], 1.0 / 3.0);
  EXPECT_EQ(file.bytes("ints").size(), 24u);
}

TEST(Safetensors, DataSectionIsEightByteAligned) {
  const std::string s = small_file();
  std::uint64_t n = 0;
  std::memcpy(&n, s.data(), 8);
  EXPECT_EQ((8 + n) % 8, 0u);
}

TEST(Safetensors, TypedAccessChecksDtypeNameAndSize) {
  const auto file = SafetensorsFile::parse(small_file(), "small.safetensors");
  EXPECT_THAT([&] { file.get<double>("w"); },
              testing::ThrowsMessage<CheckpointError>(HasSubstr("has dtype F32, expected F64")));
  EXPECT_THAT([&] { file.get<float>("v"); }, testing::ThrowsMessage<CheckpointError>(
                                                 HasSubstr("small.safetensors: no tensor 'v'")));
  std::vector<float> two(2);
  EXPECT_THAT([&] { file.copy_to<float>("w", two); },
              testing::ThrowsMessage<CheckpointError>(HasSubstr("has 3 elements, expected 2")));
  EXPECT_THAT([&] { file.metadata("epoch"); },
              testing::ThrowsMessage<CheckpointError>(HasSubstr("no 'epoch'")));
}

TEST(Safetensors, EveryFlippedBitPatternAtEveryByteIsRejected) {
  const std::string good = small_file();
  ASSERT_NO_THROW(SafetensorsFile::parse(good, "small.safetensors"));
  for (std::size_t pos = 0; pos < good.size(); ++pos) {
    for (unsigned mask : {0x01u, 0x20u, 0x80u, 0xFFu}) {
      std::string bad = good;
      bad[pos] = static_cast<char>(static_cast<unsigned char>(bad[pos]) ^ mask);
      EXPECT_THROW(SafetensorsFile::parse(bad, "small.safetensors"), CheckpointError)
          << "byte " << pos << " xor " << mask << " accepted";
    }
  }
}

TEST(Safetensors, EveryTruncationAndAnyTrailingByteIsRejected) {
  const std::string good = small_file();
  for (std::size_t len = 0; len < good.size(); ++len)
    EXPECT_THROW(SafetensorsFile::parse(good.substr(0, len), "small.safetensors"), CheckpointError)
        << "truncated to " << len << " bytes accepted";
  EXPECT_THAT([&] { SafetensorsFile::parse(good + '\0', "small.safetensors"); },
              testing::ThrowsMessage<CheckpointError>(HasSubstr("trailing bytes")));
  EXPECT_THAT(
      [&] { SafetensorsFile::parse(good.substr(0, good.size() - 1), "x.safetensors"); },
      testing::ThrowsMessage<CheckpointError>(HasSubstr("x.safetensors: data section has")));
}

TEST(Safetensors, MissingChecksumsAreRejectedUnlessForeignFilesAreAllowed) {
  const std::string plain = handmade(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})", 2);
  EXPECT_THAT([&] { SafetensorsFile::parse(plain, "p.safetensors"); },
              testing::ThrowsMessage<CheckpointError>(HasSubstr("lacks the checksum")));
  EXPECT_EQ(SafetensorsFile::parse(plain, "p.safetensors", Integrity::if_present).bytes("a").size(),
            2u);
}

TEST(Safetensors, StructuralErrorsAreNamed) {
  EXPECT_THAT(structural_error(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                               16),
              HasSubstr("key 'a' twice"));
  EXPECT_THAT(structural_error(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                               12),
              HasSubstr("tensor 'b' starts at byte 4 of the data, expected 8 (overlap)"));
  EXPECT_THAT(structural_error(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12),
              HasSubstr("expected 0 (gap)"));
  EXPECT_THAT(structural_error(R"({"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}})", 8),
              HasSubstr("shape [2] of F64 needs 16 bytes, data_offsets give 8"));
  EXPECT_THAT(structural_error(R"({"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})", 16),
              HasSubstr("unknown dtype 'F128'"));
  EXPECT_THAT(structural_error(R"({"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})", 1),
              HasSubstr("non-negative integers"));
  EXPECT_THAT(structural_error(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}})", 1),
              HasSubstr("unexpected field 'x'"));
  EXPECT_THAT(structural_error(R"({"__metadata__":{"k":1}})", 0), HasSubstr("not a string"));
  EXPECT_THAT(structural_error(R"([1, 2])", 0), HasSubstr("does not start with '{'"));
  EXPECT_THAT(structural_error(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 2),
              HasSubstr("data section has 2 bytes, the tensors describe 1"));
  std::string huge = small_file();
  huge[6] = '\x01';  // header length ~2^48
  EXPECT_THAT([&] { SafetensorsFile::parse(huge, "h.safetensors"); },
              testing::ThrowsMessage<CheckpointError>(HasSubstr("exceeds the")));
}

TEST(Safetensors, MissingFileIsCheckpointErrorNamingIt) {
  EXPECT_THAT([] { SafetensorsFile::read("no/such/file.safetensors"); },
              testing::ThrowsMessage<CheckpointError>(HasSubstr("no/such/file.safetensors")));
}

TEST(Safetensors, WriterRejectsMisuse) {
  SafetensorsWriter w;
  w.add("a", std::vector<double>{1, 2}, {2});
  EXPECT_THROW(w.add("a", std::vector<double>{1}, {1}), UsageError);
  EXPECT_THROW(w.add("__metadata__", std::vector<double>{1}, {1}), UsageError);
  EXPECT_THROW(w.add("b", std::vector<double>{1, 2, 3}, {2, 2}), UsageError);
  EXPECT_THROW(w.set_metadata("descent.data_crc32", "0"), UsageError);
}

/// Files written by tools/golden/safetensors.py (Python struct + json, JSON with spaces, keys
/// sorted): with descent's checksums computed by zlib.crc32, and a plain foreign file.
TEST(Safetensors, ReadsFilesWrittenByPython) {
  const auto golden = test::load_golden("safetensors.json");
  for (const char* name :
       {"safetensors_python.safetensors", "safetensors_python_plain.safetensors"}) {
    SCOPED_TRACE(name);
    const auto path = test::data_dir() / "golden" / name;
    const bool plain = std::string(name).find("plain") != std::string::npos;
    if (plain) {
      EXPECT_THROW(SafetensorsFile::read(path), CheckpointError);
    }
    const auto file =
        SafetensorsFile::read(path, plain ? Integrity::if_present : Integrity::required);
    ASSERT_EQ(file.tensors().size(), golden["order"].size());
    for (std::size_t k = 0; k < file.tensors().size(); ++k) {
      const auto& t = file.tensors()[k];
      EXPECT_EQ(t.name, golden["order"][k].get<std::string>());
      const auto& e = golden["tensors"][t.name];
      EXPECT_EQ(dtype_name(t.dtype), e["dtype"].get<std::string>());
      EXPECT_EQ(t.shape, e["shape"].get<Shape>());
      const auto& values = e["values"];
      if (t.dtype == Dtype::I64) {
        EXPECT_EQ(file.get<std::int64_t>(t.name), values.get<std::vector<std::int64_t>>());
      } else if (t.dtype == Dtype::F32) {
        auto v = file.get<float>(t.name);
        ASSERT_EQ(v.size(), values.size());
        for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(double(v[i]), values[i].get<double>());
      } else {
        EXPECT_EQ(file.get<double>(t.name), values.get<std::vector<double>>());
      }
    }
    for (const auto& [key, value] : golden["metadata"].items())
      EXPECT_EQ(file.metadata(key), value.get<std::string>());
  }
}

}  // namespace
}  // namespace descent
