#include "descent/optim/checkpoint.hpp"

#include <algorithm>
#include <map>
#include <set>

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

/// One entry of the file's "params" metadata: {"name": string, "shape": [n, ...], "group": n}.
struct SavedTensor {
  std::string name;
  Shape shape;
  std::size_t group;
};

/// The file's "params" metadata, every entry checked field by field (exactly the three fields,
/// each of its type, names unique and non-empty) before it is compared with anything.
std::vector<SavedTensor> saved_layout(const SafetensorsFile& file) {
  const nlohmann::json saved = metadata_json(file, kParams);
  if (!saved.is_array())
    throw CheckpointError("metadata 'params' is not an array", file.origin(),
                          "the file is corrupt");
  std::vector<SavedTensor> rows;
  std::set<std::string> names;
  for (std::size_t k = 0; k < saved.size(); ++k) {
    const nlohmann::json& e = saved[k];
    const auto bad = [&](const std::string& what) {
      return CheckpointError(fmt::format("metadata 'params' entry {} {}", k, what), file.origin(),
                             "the file is corrupt");
    };
    if (!e.is_object()) throw bad("is not an object");
    for (const auto& [key, value] : e.items())
      if (key != "name" && key != "shape" && key != "group")
        throw bad(fmt::format("has an unknown field '{}'", key));
    if (!e.contains("name") || !e["name"].is_string() || e["name"].get<std::string>().empty())
      throw bad("needs a non-empty string 'name'");
    if (!e.contains("shape") || !e["shape"].is_array()) throw bad("needs a 'shape' array");
    if (!e.contains("group") || !e["group"].is_number_unsigned())
      throw bad("needs a 'group' that is an integer >= 0");
    SavedTensor t{e["name"].get<std::string>(), {}, e["group"].get<std::size_t>()};
    for (const auto& d : e["shape"]) {
      if (!d.is_number_unsigned()) throw bad("has a 'shape' entry that is not an integer >= 0");
      t.shape.push_back(d.get<std::size_t>());
    }
    if (!names.insert(t.name).second) throw bad(fmt::format("repeats the name '{}'", t.name));
    rows.push_back(std::move(t));
  }
  return rows;
}

/// The first difference between the file's parameter layout and the model's, as a CheckpointError
/// naming the tensor.
template <class T>
void check_layout(const std::vector<SavedTensor>& saved, const SafetensorsFile& file,
                  const Params<T>& params) {
  const std::string hint = "load the checkpoint into the model it was saved from";
  const std::vector<TensorId> order = params.arena_order();
  for (std::size_t k = 0; k < std::max(saved.size(), order.size()); ++k) {
    if (k >= saved.size())
      throw CheckpointError(fmt::format("the model's tensor '{}' is not in the checkpoint",
                                        params.tensor(order[k]).name),
                            file.origin(), hint);
    const SavedTensor& a = saved[k];
    if (k >= order.size())
      throw CheckpointError(
          fmt::format("checkpoint tensor '{}' (shape [{}], group {}) is not in the model", a.name,
                      fmt::join(a.shape, ","), a.group),
          file.origin(), hint);
    const auto b = params.tensor(order[k]);
    if (a.name != b.name)
      throw CheckpointError(
          fmt::format("tensor {} is '{}' in the checkpoint, '{}' in the model", k, a.name, b.name),
          file.origin(), hint);
    if (a.shape != b.shape)
      throw CheckpointError(
          fmt::format("tensor '{}' has shape [{}] in the checkpoint, [{}] in the model", b.name,
                      fmt::join(a.shape, ","), fmt::join(b.shape, ",")),
          file.origin(), hint);
    if (a.group != b.group)
      throw CheckpointError(
          fmt::format("tensor '{}' is in parameter group {} in the checkpoint, {} in the model",
                      b.name, a.group, b.group),
          file.origin(), hint);
  }
}

/// The tensors write_state writes ("param/..." and "state/...") must be exactly those the layout
/// and the buffer list name, each shaped as its parameter (arena-shaped state) or 1-D.
template <class T>
void check_tensors(const SafetensorsFile& file, const Params<T>& params,
                   const std::vector<std::string>& buffers) {
  std::map<std::string, Shape> expected;
  for (TensorId id : params.arena_order()) {
    auto t = params.tensor(id);
    expected["param/" + t.name] = t.shape;
  }
  for (const std::string& buffer : buffers) {
    if (file.contains("state/" + buffer)) {
      expected["state/" + buffer] = {file.info("state/" + buffer).numel()};
      continue;
    }
    for (TensorId id : params.arena_order()) {
      auto t = params.tensor(id);
      expected[fmt::format("state/{}/{}", buffer, t.name)] = t.shape;
    }
  }
  for (const TensorInfo& t : file.tensors()) {
    if (!t.name.starts_with("param/") && !t.name.starts_with("state/")) continue;
    const auto it = expected.find(t.name);
    if (it == expected.end())
      throw CheckpointError(fmt::format("tensor '{}' is not part of the optimizer's state", t.name),
                            file.origin(), "the file is corrupt");
    if (t.shape != it->second)
      throw CheckpointError(
          fmt::format("tensor '{}' has shape [{}], its parameter has [{}]", t.name,
                      fmt::join(t.shape, ","), fmt::join(it->second, ",")),
          file.origin(), "the file is corrupt");
    if (t.dtype != dtype_of<T>())
      throw CheckpointError(fmt::format("tensor '{}' holds {} values, the checkpoint says {}",
                                        t.name, dtype_name(t.dtype), dtype_name(dtype_of<T>())),
                            file.origin(), "the file is corrupt");
  }
  for (const auto& [name, shape] : expected)
    if (!file.contains(name))
      throw CheckpointError(fmt::format("tensor '{}' is missing", name), file.origin(),
                            "the file is corrupt");
}

/// The file's "optimizer.buffers" metadata: an array of distinct, non-empty names.
std::vector<std::string> saved_buffers(const SafetensorsFile& file) {
  const nlohmann::json buffers = metadata_json(file, kBuffers);
  const auto bad = [&](const std::string& what) {
    return CheckpointError("metadata 'optimizer.buffers' " + what, file.origin(),
                           "the file is corrupt");
  };
  if (!buffers.is_array()) throw bad("is not an array");
  std::vector<std::string> names;
  for (const auto& b : buffers) {
    if (!b.is_string() || b.get<std::string>().empty()) throw bad("holds a non-string or \"\"");
    if (std::find(names.begin(), names.end(), b.get<std::string>()) != names.end())
      throw bad(fmt::format("names '{}' twice", b.get<std::string>()));
    names.push_back(b.get<std::string>());
  }
  return names;
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
  check_layout(saved_layout(file), file, params);
  const std::vector<std::string> buffers = saved_buffers(file);
  check_tensors(file, params, buffers);

  StateDict<T> sd;
  sd.optimizer = name;
  sd.groups = metadata_json(file, kGroups);
  for (const std::string& buffer : buffers) {
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
