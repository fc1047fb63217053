#include "descent/sched/param_groups.hpp"

namespace descent::sched {

template <class T>
struct ParamGroups::OptimizerAccess final : Access {
  explicit OptimizerAccess(optim::Optimizer<T>& o) : opt(o) {}
  std::size_t size() const override { return opt.num_groups(); }
  double lr(std::size_t g) const override { return opt.lr(g); }
  void set_lr(std::size_t g, double lr) override { opt.set_lr(g, lr); }
  bool has_option(std::string_view key) const override { return opt.has_option(key); }
  nlohmann::json options(std::size_t g) const override { return opt.group_options(g); }
  void set_options(std::size_t g, const nlohmann::json& o) override { opt.set_group_options(g, o); }
  optim::Optimizer<T>& opt;
};

template <class T>
ParamGroups::ParamGroups(optim::Optimizer<T>& optimizer)
    : shared_(std::make_shared<Shared>(
          Shared{std::make_unique<OptimizerAccess<T>>(optimizer),
                 std::vector<std::optional<double>>(optimizer.num_groups())})) {}

template ParamGroups::ParamGroups(optim::Optimizer<float>&);
template ParamGroups::ParamGroups(optim::Optimizer<double>&);

std::size_t ParamGroups::size() const {
  return shared_->access->size();
}
double ParamGroups::lr(std::size_t g) const {
  return shared_->access->lr(g);
}
void ParamGroups::set_lr(std::size_t g, double lr) {
  shared_->access->set_lr(g, lr);
}

std::vector<double> ParamGroups::lrs() const {
  std::vector<double> out(size());
  for (std::size_t g = 0; g < out.size(); ++g) out[g] = lr(g);
  return out;
}

bool ParamGroups::has_option(std::string_view key) const {
  return shared_->access->has_option(key);
}

double ParamGroups::momentum(std::size_t g, MomentumField field) const {
  const auto options = shared_->access->options(g);
  return field == MomentumField::momentum ? options.at("momentum").get<double>()
                                          : options.at("betas").at(0).get<double>();
}

void ParamGroups::set_momentum(std::size_t g, MomentumField field, double value) {
  if (field == MomentumField::momentum) {
    shared_->access->set_options(g, {{"momentum", value}});
  } else {
    auto betas = shared_->access->options(g).at("betas");
    betas[0] = value;  // torch: group['betas'] = (momentum, *group['betas'][1:])
    shared_->access->set_options(g, {{"betas", betas}});
  }
}

}  // namespace descent::sched
