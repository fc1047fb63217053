#include "descent/optim/checkpoint.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace descent::optim {

namespace {

constexpr const char* kOptimizer = "optimizer";
constexpr const char* kGroups = "optimizer.groups";
constexpr const char* kBuffers = "optimizer.buffers";
constexpr const char* kParams = "params";
constexpr const char* kDtype = "dtype";

template <class T>
nlohmann::json layout(const Params<T>& params) {
  nlohmann::json rows = nlohmann::json::array();
  for (TensorId id : params.arena_order()) {
    auto t = params.tensor(id);
    rows.push_back({{"name", t.name}, {"shape", t.shape}, {"group", t.group}});
  }
  return rows;
}

nlohmann::json metadata_json(const SafetensorsFile& file, const char* key) {
  try {
    return nlohmann::json::parse(file.metadata(key));
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(fmt::format("metadata '{}' is not valid JSON", key), file.origin(),
                          "the file is corrupt");
  }
}

/// The first difference between the file's parameter layout and the optimizer's, as a
/// CheckpointError naming the tensor.
template <class T>
void check_layout(const SafetensorsFile& file, const Params<T>& params) {
  const nlohmann::json saved = metadata_json(file, kParams);
  const nlohmann::json ours = layout(params);
  const std::string hint = "load the checkpoint into the model it was saved from";
  if (!saved.is_array())
    throw CheckpointError("metadata 'params' is not an array", file.origin(),
                          "the file is corrupt");
  for (std::size_t k = 0; k < std::max(saved.size(), ours.size()); ++k) {
    if (k >= saved.size())
      throw CheckpointError(fmt::format("the model's tensor '{}' is not in the checkpoint",
                                        ours[k]["name"].get<std::string>()),
                            file.origin(), hint);
    if (k >= ours.size())
      throw CheckpointError(
          fmt::format("checkpoint tensor {} is not in the model", saved[k].dump()), file.origin(),
          hint);
    if (saved[k] == ours[k]) continue;
    const auto& a = saved[k];
    const auto& b = ours[k];
    const std::string name = b["name"].get<std::string>();
    if (a.value("name", nlohmann::json()) != b["name"])
      throw CheckpointError(fmt::format("tensor {} is {} in the checkpoint, '{}' in the model", k,
                                        a.value("name", nlohmann::json()).dump(), name),
                            file.origin(), hint);
    if (a.value("shape", nlohmann::json()) != b["shape"])
      throw CheckpointError(
          fmt::format("tensor '{}' has shape {} in the checkpoint, {} in the model", name,
                      a.value("shape", nlohmann::json()).dump(), b["shape"].dump()),
          file.origin(), hint);
    throw CheckpointError(
        fmt::format("tensor '{}' is in parameter group {} in the checkpoint, {} "
                    "in the model",
                    name, a.value("group", nlohmann::json()).dump(), b["group"].dump()),
        file.origin(), hint);
  }
}

}  // namespace

template <class T>
void write_state(SafetensorsWriter& writer, const Optimizer<T>& optimizer) {
  const Params<T>& params = optimizer.params();
  const StateDict<T> sd = optimizer.state_dict();
  nlohmann::json buffers = nlohmann::json::array();
  for (TensorId id : params.arena_order()) {
    auto t = params.tensor(id);
    writer.add<T>("param/" + t.name, t.value, t.shape);
  }
  for (const auto& [buffer, data] : sd.buffers) {
    buffers.push_back(buffer);
    if (data.size() == params.size()) {
      for (TensorId id : params.arena_order()) {
        auto t = params.tensor(id);
        writer.add<T>(fmt::format("state/{}/{}", buffer, t.name),
                      std::span<const T>(data).subspan(t.offset, t.size()), t.shape);
      }
    } else {
      writer.add<T>("state/" + buffer, data, {data.size()});
    }
  }
  writer.set_metadata(kOptimizer, sd.optimizer);
  writer.set_metadata(kGroups, sd.groups.dump());
  writer.set_metadata(kBuffers, buffers.dump());
  writer.set_metadata(kParams, layout(params).dump());
  writer.set_metadata(kDtype, std::string(dtype_name(dtype_of<T>())));
}

template <class T>
void read_state(const SafetensorsFile& file, Optimizer<T>& optimizer) {
  Params<T>& params = optimizer.params();
  const std::string& name = file.metadata(kOptimizer);
  if (name != optimizer.name())
    throw CheckpointError(fmt::format("checkpoint holds the state of '{}', the optimizer is '{}'",
                                      name, optimizer.name()),
                          file.origin(),
                          fmt::format("create a '{}' optimizer to resume from it", name));
  const std::string& dtype = file.metadata(kDtype);
  if (dtype != dtype_name(dtype_of<T>()))
    throw CheckpointError(fmt::format("checkpoint holds {} values, the optimizer uses {}", dtype,
                                      dtype_name(dtype_of<T>())),
                          file.origin(),
                          "resume with the scalar type the checkpoint was saved with");
  check_layout(file, params);

  StateDict<T> sd;
  sd.optimizer = name;
  sd.groups = metadata_json(file, kGroups);
  const nlohmann::json buffers = metadata_json(file, kBuffers);
  if (!buffers.is_array())
    throw CheckpointError("metadata 'optimizer.buffers' is not an array", file.origin(),
                          "the file is corrupt");
  for (const auto& b : buffers) {
    if (!b.is_string())
      throw CheckpointError("metadata 'optimizer.buffers' holds a non-string", file.origin(),
                            "the file is corrupt");
    const std::string buffer = b.get<std::string>();
    std::vector<T> data;
    if (file.contains("state/" + buffer)) {
      data = file.get<T>("state/" + buffer);
    } else {
      data.resize(params.size());
      for (TensorId id : params.arena_order()) {
        auto t = params.tensor(id);
        file.copy_to<T>(fmt::format("state/{}/{}", buffer, t.name),
                        std::span<T>(data).subspan(t.offset, t.size()));
      }
    }
    sd.buffers.emplace_back(buffer, std::move(data));
  }
  std::vector<T> values(params.size());
  for (TensorId id : params.arena_order()) {
    auto t = params.tensor(id);
    file.copy_to<T>("param/" + t.name, std::span<T>(values).subspan(t.offset, t.size()));
  }
  try {
    optimizer.load_state_dict(sd);
  } catch (const CheckpointError& e) {
    throw CheckpointError(e.reason(), fmt::format("{}: {}", file.origin(), e.where()), e.hint());
  }
  std::copy(values.begin(), values.end(), params.values().begin());
}

template <class T>
void save_checkpoint(const Optimizer<T>& optimizer, const std::filesystem::path& path) {
  SafetensorsWriter writer;
  write_state(writer, optimizer);
  writer.write(path);
}

template <class T>
void load_checkpoint(Optimizer<T>& optimizer, const std::filesystem::path& path) {
  read_state(SafetensorsFile::read(path), optimizer);
}

#define DESCENT_CHECKPOINT(T)                                                       \
  template void write_state(SafetensorsWriter&, const Optimizer<T>&);               \
  template void read_state(const SafetensorsFile&, Optimizer<T>&);                  \
  template void save_checkpoint(const Optimizer<T>&, const std::filesystem::path&); \
  template void load_checkpoint(Optimizer<T>&, const std::filesystem::path&);
DESCENT_CHECKPOINT(float)
DESCENT_CHECKPOINT(double)
#undef DESCENT_CHECKPOINT

}  // namespace descent::optim
