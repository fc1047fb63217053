// libFuzzer target: a safetensors file parsed (checksums checked when present, so mutations reach
// the header and layout checks) and, when it parses, loaded as an Adam checkpoint into a model of
// three tensors w [3, 4], c [2] (group 0) and b [5] (group 1), the layout of the seed corpus. Bad
// input must end in a descent::Error; any other exception, crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "descent/core/error.hpp"
#include "descent/core/safetensors.hpp"
#include "descent/optim/checkpoint.hpp"
#include "descent/optim/factory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto file =
        descent::SafetensorsFile::parse(std::string(reinterpret_cast<const char*>(data), size),
                                        "fuzz.safetensors", descent::Integrity::if_present);
    for (const auto& t : file.tensors())
      if (t.dtype == descent::Dtype::F64) (void)file.get<double>(t.name);
    descent::Params<double> params;
    params.add("w", {3, 4}, 0);
    params.add("b", {5}, 1);
    params.add("c", {2}, 0);
    params.allocate();
    auto adam = descent::optim::make<double>(params, R"({"name":"adam"})");
    descent::optim::read_state(file, *adam);
  } catch (const descent::Error&) {
  }
  return 0;
}
