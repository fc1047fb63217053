#pragma once
// Saving and restoring an optimizer together with its parameters, in a safetensors file:
//   tensors   "param/<tensor>"                 parameter values, one per tensor of the Params
//             "state/<buffer>/<tensor>"        arena-shaped state (exp_avg, momentum_buffer, ...)
//             "state/<buffer>"                 any other state buffer (e.g. L-BFGS history), 1-D
//   metadata  "optimizer"          registered name ("adam")
//             "optimizer.groups"   JSON: per-group options and step counts (StateDict::groups)
//             "optimizer.buffers"  JSON: state buffer names, in the optimizer's order
//             "params"             JSON: [{"name", "shape", "group"}, ...] in arena order
//             "dtype"              "F32" | "F64"
// Loading checks everything before changing anything: a different optimizer, scalar type or
// parameter layout (names, shapes, groups) is a CheckpointError naming the file and the first
// mismatch; the file's own integrity is checked by the safetensors reader. A file with valid
// checksums is still checked field by field: each "params" entry has exactly name (non-empty,
// unique), shape (integers >= 0) and group (integer >= 0); "optimizer.buffers" holds distinct
// names; the "param/" and "state/" tensors are exactly those the layout and buffers name, each of
// its parameter's shape (1-D for a non-arena buffer) and of the file's dtype; step counts are
// integers >= 0.
#include <filesystem>

#include "descent/core/safetensors.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

/// Adds the optimizer's parameters, state and metadata to a writer (to combine with other tensors
/// in one checkpoint file).
template <class T>
void write_state(SafetensorsWriter& writer, const Optimizer<T>& optimizer);

/// Restores parameters and optimizer state written by write_state.
template <class T>
void read_state(const SafetensorsFile& file, Optimizer<T>& optimizer);

/// write_state into a new file, written atomically.
template <class T>
void save_checkpoint(const Optimizer<T>& optimizer, const std::filesystem::path& path);

/// Reads and validates a file written by save_checkpoint and restores it into `optimizer`.
template <class T>
void load_checkpoint(Optimizer<T>& optimizer, const std::filesystem::path& path);

}  // namespace descent::optim
