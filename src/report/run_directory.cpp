#include "descent/report/run_directory.hpp"

#include "descent/core/atomic_file.hpp"

namespace descent::report {

void RunDirectory::write_config(std::string_view toml) const {
  write_file_atomic(file("config.toml"), toml);
}

void RunDirectory::write_json(std::string_view name, const nlohmann::ordered_json& json) const {
  write_file_atomic(file(name), json.dump(2) + "\n");
}

}  // namespace descent::report
