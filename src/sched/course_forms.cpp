#include "descent/sched/course_forms.hpp"

#include <cmath>

namespace descent::sched {

double ExponentialDecay::operator()(std::int64_t t) const {
  const double p = double(t) / decay_steps;
  return std::pow(decay_rate, staircase ? std::floor(p) : p);
}

double NaturalExpDecay::operator()(std::int64_t t) const {
  return std::exp(-k * double(t));
}

double InverseTimeDecay::operator()(std::int64_t t) const {
  return 1 / (1 + k * double(t));
}

double LinearWarmup::operator()(std::int64_t t) const {
  if (t >= warmup_steps) return 1;
  return start_factor + (1 - start_factor) * double(t) / double(warmup_steps);
}

double InverseSqrt::operator()(std::int64_t t) const {
  if (t < warmup_steps) return LinearWarmup{warmup_steps, start_factor}(t);
  return std::sqrt(double(warmup_steps) / double(t));
}

}  // namespace descent::sched
