#include "descent/sched/course_forms.hpp"

#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::sched {

namespace {
void require(bool ok, const char* where, const std::string& message) {
  if (!ok) throw ConfigError(message, where);
}
}  // namespace

void ExponentialDecay::validate() const {
  require(decay_rate > 0, "exponential_decay.decay_rate",
          fmt::format("expected decay_rate > 0, got {}", decay_rate));
  require(decay_steps > 0, "exponential_decay.decay_steps",
          fmt::format("expected decay_steps > 0, got {}", decay_steps));
}

double ExponentialDecay::operator()(std::int64_t t) const {
  const double p = double(t) / decay_steps;
  return std::pow(decay_rate, staircase ? std::floor(p) : p);
}

void NaturalExpDecay::validate() const {
  require(k >= 0, "natural_exp_decay.k", fmt::format("expected k >= 0, got {}", k));
}

double NaturalExpDecay::operator()(std::int64_t t) const {
  return std::exp(-k * double(t));
}

void InverseTimeDecay::validate() const {
  require(k >= 0, "inverse_time_decay.k", fmt::format("expected k >= 0, got {}", k));
}

double InverseTimeDecay::operator()(std::int64_t t) const {
  return 1 / (1 + k * double(t));
}

void LinearWarmup::validate() const {
  require(warmup_steps >= 1, "warmup.warmup_steps",
          fmt::format("expected warmup_steps >= 1, got {}", warmup_steps));
  require(start_factor >= 0 && start_factor <= 1, "warmup.start_factor",
          fmt::format("expected start_factor in [0, 1], got {}", start_factor));
}

double LinearWarmup::operator()(std::int64_t t) const {
  if (t >= warmup_steps) return 1;
  return start_factor + (1 - start_factor) * double(t) / double(warmup_steps);
}

void InverseSqrt::validate() const {
  require(warmup_steps >= 1, "inverse_sqrt.warmup_steps",
          fmt::format("expected warmup_steps >= 1, got {}", warmup_steps));
  require(start_factor >= 0 && start_factor <= 1, "inverse_sqrt.start_factor",
          fmt::format("expected start_factor in [0, 1], got {}", start_factor));
}

double InverseSqrt::operator()(std::int64_t t) const {
  if (t < warmup_steps) return LinearWarmup{warmup_steps, start_factor}(t);
  return std::sqrt(double(warmup_steps) / double(t));
}

}  // namespace descent::sched
