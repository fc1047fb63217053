#pragma once
// Cosine annealing (Loshchilov & Hutter, SGDR), exactly as torch.optim.lr_scheduler (1.13).
#include "descent/core/options.hpp"
#include "descent/sched/scheduler.hpp"

namespace descent::sched {

struct CosineAnnealingLROptions {
  std::int64_t T_max = 1;
  double eta_min = 0;

  template <class V>
  void visit(V&& v) {
    v("T_max", T_max, "steps from lr0 down to eta_min (half period)", options::required,
      options::at_least(1));
    v("eta_min", eta_min, "lower bound of the lr");
  }
};

/// CosineAnnealingLR, closed form:  lr_t = eta_min + (lr0 - eta_min) * (1 + cos(pi t / T_max)) / 2.
/// step() applies torch's recursive form, so an lr changed by hand anneals on from there:
///   lr_t = eta_min + (lr_{t-1} - eta_min) * (1 + cos(pi t/T_max)) / (1 + cos(pi (t-1)/T_max)),
/// and at the bottom of each period (t - 1 - T_max = 0 mod 2 T_max), where that ratio is 0/0:
///   lr_t = lr_{t-1} + (lr0 - eta_min) * (1 - cos(pi / T_max)) / 2.
/// Past T_max the lr rises again (torch does not clamp).
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(ParamGroups groups, const CosineAnnealingLROptions& options);

 protected:
  std::vector<double> get_lr() override;
  std::vector<double> closed_form_lr() override;

 private:
  CosineAnnealingLROptions o_;
};

struct CosineAnnealingWarmRestartsOptions {
  std::int64_t T_0 = 1;
  std::int64_t T_mult = 1;
  double eta_min = 0;

  template <class V>
  void visit(V&& v) {
    v("T_0", T_0, "steps until the first restart", options::required, options::at_least(1));
    v("T_mult", T_mult, "period growth factor after each restart", options::at_least(1));
    v("eta_min", eta_min, "lower bound of the lr");
  }
};

/// CosineAnnealingWarmRestarts (SGDR):  lr = eta_min + (lr0 - eta_min) * (1 + cos(pi T_cur / T_i))
/// / 2, T_cur = epochs since the last restart, T_i = T_0 * T_mult^i the current period. step_to()
/// accepts fractional epochs (epoch + batch / batches_per_epoch), as torch's step(epoch).
class CosineAnnealingWarmRestarts : public LRScheduler {
 public:
  CosineAnnealingWarmRestarts(ParamGroups groups,
                              const CosineAnnealingWarmRestartsOptions& options);

  void step() override;
  void step_to(std::int64_t epoch) override { step_to(double(epoch)); }
  void step_to(double epoch);

  double T_cur() const { return T_cur_; }
  std::int64_t T_i() const { return T_i_; }

 protected:
  std::vector<double> get_lr() override;
  void save(nlohmann::json& state) const override;
  void load(const nlohmann::json& state) override;

 private:
  CosineAnnealingWarmRestartsOptions o_;
  double T_cur_ = -1;
  std::int64_t T_i_;
};

}  // namespace descent::sched
