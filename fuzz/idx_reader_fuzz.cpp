// libFuzzer target: IDX files (plain or gzip) through read_idx. Bad input must end in a
// descent::Error (a claimed size is checked against the file before anything is allocated); any
// other exception, crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "descent/core/error.hpp"
#include "descent/data/idx_reader.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const descent::fuzz::InputFile file;
  try {
    const auto array = descent::data::read_idx(file.write(data, size));
    std::size_t numel = 1;
    for (std::size_t d : array.dims) numel *= d;
    if (numel != array.values.size()) __builtin_trap();  // the documented invariant
  } catch (const descent::Error&) {
  }
  return 0;
}
