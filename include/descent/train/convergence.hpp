#pragma once
// Convergence criteria, checked at the end of every epoch; training stops when any enabled one
// (tolerance > 0) holds:
//   gradient norm:    ||grad L(W)||_2 < grad_tol    (the gradient of the epoch's last step)
//   loss change:      |L_t - L_{t-1}| < loss_tol    (the monitored loss of consecutive epochs)
//   parameter change: ||W_t - W_{t-1}||_2 < param_tol (parameters at consecutive epoch ends)
#include <limits>
#include <vector>

#include "descent/train/callback.hpp"

namespace descent::train {

struct ConvergenceOptions {
  double grad_tol = 0;
  double loss_tol = 0;
  double param_tol = 0;
  std::string loss = "train_loss";  // the loss whose change is measured
};

template <class T>
class Convergence final : public Callback<T> {
 public:
  explicit Convergence(ConvergenceOptions options);
  std::string name() const override { return "convergence"; }
  bool on_before_step(Trainer<T>& trainer) override;
  void on_epoch_end(Trainer<T>& trainer) override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& j) override;
  std::vector<std::pair<std::string, std::vector<T>*>> buffers() override;

 private:
  ConvergenceOptions options_;
  double last_grad_norm_ = std::numeric_limits<double>::quiet_NaN();
  double previous_loss_ = std::numeric_limits<double>::quiet_NaN();
  std::vector<T> previous_params_;
};

extern template class Convergence<float>;
extern template class Convergence<double>;

}  // namespace descent::train
