#pragma once
// The learning-rate schedules of the course material, as factors f(t) of the step (or epoch) t = 0,
// 1, 2, ... applied to each group's initial lr0: lr_t = lr0 * f(t). Run one with
// LambdaLR(groups, ExponentialDecay{...}) (sched::make does so by name), or put a linear warmup in
// front of any scheduler S with SequentialLR({LambdaLR(groups, LinearWarmup{w}), S}, {w}): S starts
// from lr0 at step w, as `lr = lr0 * schedule(t - w)`.
//
//   exponential_decay   lr_t = lr0 * d^(t/s)            (staircase: lr0 * d^floor(t/s))
//   natural_exp_decay   lr_t = lr0 * exp(-k t)
//   inverse_time_decay  lr_t = lr0 / (1 + k t)
//   linear warmup       lr_t = lr0 * (s0 + (1 - s0) t/w)  for t < w,  lr0 after (s0 = 0: lr0 t/w)
//   inverse_sqrt        lr_t = linear warmup for t < w,  lr0 * sqrt(w / t) for t >= w
//                       (w = 1, s0 = 1: lr0 at t = 0, then lr0 / sqrt(t))
#include <cstdint>

#include "descent/core/options.hpp"

namespace descent::sched {

/// lr0 * d^(t/s), or lr0 * d^floor(t/s) with staircase (a step decay by d every s steps).
struct ExponentialDecay {
  double decay_rate = 0;   // d
  double decay_steps = 0;  // s
  bool staircase = false;

  template <class V>
  void visit(V&& v) {
    v("decay_rate", decay_rate, "d: the factor reached after decay_steps steps (< 1 to decay)",
      options::required, options::above(0));
    v("decay_steps", decay_steps, "s: steps until the lr is lr0 * d", options::required,
      options::above(0));
    v("staircase", staircase, "decay in steps: d^floor(t/s)");
  }
  double operator()(std::int64_t t) const;
};

/// lr0 * exp(-k t).
struct NaturalExpDecay {
  double k = 0;

  template <class V>
  void visit(V&& v) {
    v("k", k, "decay rate", options::required, options::at_least(0));
  }
  double operator()(std::int64_t t) const;
};

/// lr0 / (1 + k t).
struct InverseTimeDecay {
  double k = 0;

  template <class V>
  void visit(V&& v) {
    v("k", k, "decay rate", options::required, options::at_least(0));
  }
  double operator()(std::int64_t t) const;
};

/// lr0 * (s0 + (1 - s0) t/w) for t < w, lr0 from t = w on.
struct LinearWarmup {
  std::int64_t warmup_steps = 1;  // w
  double start_factor = 0;        // s0; the course's form starts from 0

  template <class V>
  void visit(V&& v) {
    v("warmup_steps", warmup_steps, "w: steps of the linear warmup", options::required,
      options::at_least(1));
    v("start_factor", start_factor, "s0: factor of lr0 at step 0", options::closed(0, 1));
  }
  double operator()(std::int64_t t) const;
};

/// Linear warmup to lr0 over w steps, then lr0 * sqrt(w / t) (inverse square root decay).
struct InverseSqrt {
  std::int64_t warmup_steps = 1;  // w
  double start_factor = 0;        // s0

  template <class V>
  void visit(V&& v) {
    v("warmup_steps", warmup_steps, "w: steps of the linear warmup", options::at_least(1));
    v("start_factor", start_factor, "s0: factor of lr0 at step 0", options::closed(0, 1));
  }
  double operator()(std::int64_t t) const;
};

}  // namespace descent::sched
