// libFuzzer target: an optimizer spec as JSON text (what --optimizer takes) through
// optim::parse_spec and optim::make, i.e. options::from_json for every registered optimizer, on a
// model of two parameter groups; a spec it accepts then takes one step. Bad input must end in a
// descent::Error; any other exception, crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "descent/core/error.hpp"
#include "descent/optim/factory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  descent::Params<double> params;
  params.add("w", {3}, 0);
  params.add("b", {2}, 1);
  params.allocate();
  try {
    const auto spec = descent::optim::parse_spec(
        std::string_view(reinterpret_cast<const char*>(data), size), "--optimizer");
    auto optimizer = descent::optim::make<double>(params, spec);
    optimizer->step([&] {
      for (std::size_t i = 0; i < params.size(); ++i)
        params.grads()[i] = 2 * params.values()[i] - 1;  // f(p) = sum p^2 - p
      double f = 0;
      for (double p : params.values()) f += p * p - p;
      return f;
    });
  } catch (const descent::Error&) {
  }
  return 0;
}
