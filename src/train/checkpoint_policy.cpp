#include "descent/train/checkpoint_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "descent/core/error.hpp"
#include "descent/train/train_options.hpp"

namespace descent::train {

CheckpointPolicy CheckpointPolicy::parse(const std::string& text, const std::string& key) {
  const bool seconds = !text.empty() && text.back() == 's';
  const std::string number = seconds ? text.substr(0, text.size() - 1) : text;
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  const bool whole = ec == std::errc() && end == number.data() + number.size();
  if (!whole || !std::isfinite(value) || value <= 0 ||
      (!seconds && (value != std::floor(value) || value < 1)))
    throw ConfigError("invalid value '" + text + "'", key,
                      "\"5\" saves every 5 epochs, \"60s\" at most every 60 seconds");
  return {seconds ? Unit::seconds : Unit::epochs, value};
}

bool CheckpointPolicy::due(std::int64_t epoch, std::chrono::duration<double> since_last,
                           std::chrono::duration<double> last_cost) const {
  if (unit == Unit::epochs) return epoch % static_cast<std::int64_t>(every) == 0;
  return since_last.count() >= std::max(every, kCostFactor * last_cost.count());
}

void TrainOptions::check(const std::string& where) const {
  CheckpointPolicy::parse(checkpoint_every, options::detail::join_key(where, "checkpoint_every"));
}

}  // namespace descent::train
