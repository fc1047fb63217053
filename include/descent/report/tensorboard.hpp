#pragma once
// TensorBoard scalar event files, encoded by hand (a few protobuf fields):
//   file   = record*;  record = uint64 length, uint32 masked_crc(length), data, uint32
//   masked_crc(data)
//            (little-endian; masked_crc(x) = ((c >> 15) | (c << 17)) + 0xa282ead8, c = CRC-32C(x))
//   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
//   Summary { repeated Value value = 1; }   Value { string tag = 1; float simple_value = 2; }
// The first event carries file_version "brain.Event:2", as TensorFlow's writer does.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "descent/report/run_data.hpp"

namespace descent::report {

/// CRC-32C (Castagnoli, reflected polynomial 0x82f63b78) of `data`.
std::uint32_t crc32c(std::string_view data);
/// TFRecord's masked CRC: ((c >> 15) | (c << 17)) + 0xa282ead8.
std::uint32_t masked_crc32c(std::string_view data);

/// One TFRecord around `data`.
std::string tfrecord(std::string_view data);

/// An Event holding scalars (tag, value) at `step`.
std::string scalar_event(double wall_time, std::int64_t step,
                         const std::vector<std::pair<std::string, float>>& scalars);
/// The first Event of a file: file_version "brain.Event:2".
std::string file_version_event(double wall_time);

/// Writes dir/events.out.tfevents.<wall_time>.<host> with every metrics.csv column at its epoch
/// (tags "epoch/<name>") and every steps.csv column but `epoch` at its step ("step/<name>"); a NaN
/// cell is left out. Replaces the event files an earlier write left in dir. Returns the file's
/// path.
std::filesystem::path write_tensorboard_events(const RunData& run, double wall_time);

}  // namespace descent::report
