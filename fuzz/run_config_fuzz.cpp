// libFuzzer target: a run configuration as TOML through RunConfig::merge_text. What it accepts is
// written back with to_toml, and that text must merge again into the same configuration (the
// resolved config.toml of a run is how it is resumed). Bad input must end in a descent::Error;
// any other exception, a resolved config that does not read back, a crash or a sanitizer report
// is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "descent/config/run_config.hpp"
#include "descent/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  descent::RunConfig config;
  try {
    config.merge_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml");
  } catch (const descent::Error&) {
    return 0;
  }
  const std::string resolved = config.to_toml();
  descent::RunConfig again;
  try {
    again.merge_text(resolved, "config.toml");
  } catch (const descent::Error& e) {
    std::fprintf(stderr, "the resolved config does not read back: %s\n%s", e.what(),
                 resolved.c_str());
    __builtin_trap();
  }
  if (again.to_toml() != resolved) {
    std::fprintf(stderr, "the resolved config changes when read back:\n%s\n---\n%s",
                 resolved.c_str(), again.to_toml().c_str());
    __builtin_trap();
  }
  return 0;
}
