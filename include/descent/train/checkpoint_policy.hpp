#pragma once
// When a run writes its checkpoint (train.checkpoint_every): every N epochs ("5"), or at the end of
// the first epoch at least N seconds after the last write ("60s"). A seconds policy also waits at
// least kCostFactor times as long as the last write took, so the disk's share of the wall time
// stays under 1 / (1 + kCostFactor) = 5% even on a slow disk. Checkpoints are taken at epoch ends
// only (where a resume continues bit-identically); the CheckpointWriter adds one at the end of the
// run and when it stops (a signal, early stopping, a guard), whatever the policy.
#include <chrono>
#include <cstdint>
#include <string>

namespace descent::train {

struct CheckpointPolicy {
  enum class Unit { epochs, seconds };
  static constexpr double kCostFactor = 19;

  Unit unit = Unit::seconds;
  double every = 60;

  /// "N" (epochs, an integer >= 1) or "Ns" (seconds, a number > 0); ConfigError naming `key`.
  static CheckpointPolicy parse(const std::string& text, const std::string& key);

  /// Whether the epoch just completed (`epoch`, 1-based) is due, given the time since the last
  /// write ended (or training began) and how long the last write took.
  bool due(std::int64_t epoch, std::chrono::duration<double> since_last,
           std::chrono::duration<double> last_cost) const;
};

}  // namespace descent::train
