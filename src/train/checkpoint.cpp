#include "descent/train/checkpoint.hpp"

#include "descent/core/error.hpp"
#include "descent/core/safetensors.hpp"
#include "descent/optim/checkpoint.hpp"

namespace descent::train {

namespace {
constexpr const char* kCheckpointFormat = "descent-checkpoint-1";

nlohmann::json parse_metadata(const SafetensorsFile& file, const std::string& key) {
  try {
    return nlohmann::json::parse(file.metadata(key));
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError("metadata '" + key + "' is not valid JSON", file.origin());
  }
}

SafetensorsFile open(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    throw CheckpointError("no checkpoint", path.string(),
                          "resume from a run directory that holds " + std::string(kCheckpointFile));
  auto file = SafetensorsFile::read(path);
  const auto it = file.metadata().find("format");
  if (it == file.metadata().end() || it->second != kCheckpointFormat)
    throw CheckpointError(
        "not a descent checkpoint (format is not " + std::string(kCheckpointFormat) + ")",
        path.string());
  return file;
}
}  // namespace

template <class T>
void save_checkpoint(Trainer<T>& trainer, const std::filesystem::path& path,
                     const nlohmann::json& run) {
  SafetensorsWriter w;
  optim::write_state(w, trainer.optimizer());
  for (const auto& c : trainer.callbacks())
    for (const auto& [name, data] : c->buffers())
      if (!data->empty()) w.add<T>(name, *data, {data->size()});
  w.set_metadata("format", kCheckpointFormat);
  w.set_metadata("trainer", trainer.state().dump());
  w.set_metadata("run", run.dump());
  w.write(path);
}

template <class T>
nlohmann::json load_checkpoint(Trainer<T>& trainer, const std::filesystem::path& path) {
  const auto file = open(path);
  const auto state = parse_metadata(file, "trainer");
  const auto run = parse_metadata(file, "run");
  optim::read_state(file, trainer.optimizer());
  trainer.load_state(state);
  for (const auto& c : trainer.callbacks())
    for (const auto& [name, data] : c->buffers()) {
      if (!file.contains(name)) {
        data->clear();
        continue;
      }
      *data = file.get<T>(name);
      if (data->size() != trainer.params().size())
        throw CheckpointError("tensor '" + name + "' does not match the model's size",
                              path.string());
    }
  return run;
}

nlohmann::json read_checkpoint_run(const std::filesystem::path& path) {
  return parse_metadata(open(path), "run");
}

template <class T>
void CheckpointWriter<T>::on_train_begin(Trainer<T>&) {
  last_end_ = Clock::now();
}

template <class T>
void CheckpointWriter<T>::on_epoch_end(Trainer<T>& trainer) {
  const auto& p = trainer.progress();
  const bool last = p.stop || p.epoch >= trainer.options().epochs;
  const auto start = Clock::now();
  if (!last && !policy_.due(p.epoch, start - last_end_, last_cost_)) return;
  save_checkpoint(trainer, path_, run_);
  last_end_ = Clock::now();
  last_cost_ = last_end_ - start;
  total_ += last_cost_;
  ++writes_;
}

template void save_checkpoint(Trainer<float>&, const std::filesystem::path&, const nlohmann::json&);
template void save_checkpoint(Trainer<double>&, const std::filesystem::path&,
                              const nlohmann::json&);
template nlohmann::json load_checkpoint(Trainer<float>&, const std::filesystem::path&);
template nlohmann::json load_checkpoint(Trainer<double>&, const std::filesystem::path&);
template class CheckpointWriter<float>;
template class CheckpointWriter<double>;

}  // namespace descent::train
