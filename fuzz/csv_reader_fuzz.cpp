// libFuzzer target: CSV text through read_csv (target column "y", task inferred) and through the
// streaming CsvRowReader that predict uses (features "a", "b", passthrough "y"). Bad input must end
// in a descent::Error; any other exception, crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/data/csv_reader.hpp"
#include "descent/data/csv_rows.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const descent::fuzz::InputFile file;
  const auto path = file.write(data, size);
  try {
    const descent::data::Dataset d = descent::data::read_csv(path, {.target = "y"});
    d.validate();
  } catch (const descent::Error&) {
  }
  try {
    descent::data::CsvRowReader reader(path, {"a", "b"}, "y");
    descent::data::Matrix x;
    std::vector<std::string> passthrough;
    while (reader.next(7, 256, x, passthrough) > 0) {
    }
  } catch (const descent::Error&) {
  }
  return 0;
}
