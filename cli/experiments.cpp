#include "experiments.hpp"

#include "descent/core/spec.hpp"

namespace descent::cli {

namespace {
// The course's linear regression (000, "Experiments & Results"): 1000 samples, 50 epochs; plain
// SGD on a linear model, the per-epoch training loss in standardized target units.
const std::vector<std::string> kLinearRegression = {
    "data.path=synthetic:linear", "data.samples=1000", "model.spec=linear",
    "optimizer.name=sgd",         "train.epochs=50",   "train.batch_size=32"};

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

Experiment entry(std::string name, std::string course, std::string shows, ExperimentKind kind) {
  Experiment e;
  e.name = std::move(name);
  e.course = std::move(course);
  e.shows = std::move(shows);
  e.kind = kind;
  return e;
}

std::vector<Experiment> make_experiments() {
  using K = ExperimentKind;
  std::vector<Experiment> all;
  {
    Experiment e =
        entry("batch-modes", "000, Experiment 1 (BGD vs SGD vs MBGD: final loss, training time)",
              "batch GD's loss falls smoothly, SGD's per-step loss is noisy; all three "
              "reach about the same loss",
              K::training);
    e.base = with(kLinearRegression, {"optimizer.lr=0.05", "train.log_steps=true"});
    e.vary = {"train.batch_size=0,1,32"};
    e.figure_metric = "steps:loss";
    all.push_back(e);
  }
  {
    Experiment e =
        entry("lr-sensitivity", "000, Experiment 2 (learning rate 0.001 / 0.01 / 0.1 / 1.0)",
              "0.001 is slow, 0.01 and 0.1 converge, 1.0 diverges", K::training);
    e.base = kLinearRegression;
    e.vary = {"optimizer.lr=0.001,0.01,0.1,1.0"};
    e.figure_metric = "train_loss";
    all.push_back(e);
  }
  {
    Experiment e =
        entry("decay",
              "000, Experiment 3 (fixed lr 0.1 vs decay: final loss, epochs to "
              "converge)",
              "exponential decay ends at a lower loss than the fixed rate 0.1", K::training);
    e.base = with(kLinearRegression, {"optimizer.lr=0.1", "train.batch_size=4"});
    e.vary = {R"(schedule={},{"name":"exponential","gamma":0.9})"};
    e.target = 0.0009;
    e.figure_metric = "train_loss";
    all.push_back(e);
  }
  {
    Experiment e = entry("clipping", "000, Advanced topics 2 (gradient clipping)",
                         "at the diverging lr 1.0, clipping the gradient norm to 1 keeps the loss "
                         "bounded",
                         K::training);
    e.base = with(kLinearRegression, {"optimizer.lr=1.0"});
    e.vary = {"train.clip_norm=0,1"};
    e.figure_metric = "train_loss";
    all.push_back(e);
  }
  {
    Experiment e = entry("warmup", "000, Advanced topics 3 (learning-rate warmup)",
                         "at a large lr (SGD 2.0, a 64-unit MLP on spirals) a linear warmup over "
                         "200 steps trains to a lower loss than starting at full rate",
                         K::training);
    e.base = {"data.path=synthetic:spirals", "data.samples=1000", "model.spec=mlp:64",
              "optimizer.name=sgd",          "optimizer.lr=2.0",  "train.epochs=20"};
    e.vary = {R"(schedule={},{"name":"warmup","warmup_steps":200})"};
    e.figure_metric = "train_loss";
    all.push_back(e);
  }
  {
    Experiment e =
        entry("momentum", "003 / 004 (momentum: none, torch's form, the CS231n form, Nesterov)",
              "on an ill-conditioned valley (k = 50) momentum gets far closer to the "
              "minimum than plain GD in 100 steps; torch's and the CS231n form agree",
              K::paths);
    e.functions = {{"ill-conditioned", {"k=50"}}};
    e.starts = {"-1,1"};
    e.optimizers = {R"({"name":"sgd","lr":0.02})", R"({"name":"sgd","lr":0.02,"momentum":0.9})",
                    R"({"name":"momentum","lr":0.02,"momentum":0.9})",
                    R"({"name":"sgd","lr":0.02,"momentum":0.9,"nesterov":true})"};
    e.steps = 100;
    all.push_back(e);
  }
  {
    Experiment e =
        entry("optimizers", "001 / 003 / 004 (SGD, momentum, AdaGrad, RMSprop, Adam, AdamW)",
              "on Rosenbrock and an ill-conditioned quadratic (k = 50), the adaptive "
              "and momentum methods end closer to the minimum than plain SGD",
              K::paths);
    e.functions = {{"rosenbrock", {}}, {"ill-conditioned", {"k=50"}}};
    e.optimizers = {R"({"name":"sgd","lr":0.001})",   R"({"name":"sgd","lr":0.001,"momentum":0.9})",
                    R"({"name":"adagrad","lr":0.5})", R"({"name":"rmsprop","lr":0.01})",
                    R"({"name":"adam","lr":0.05})",   R"({"name":"adamw","lr":0.05})"};
    e.steps = 1000;
    all.push_back(e);
  }
  {
    Experiment e = entry("quadratic-1d",
                         "002, 1-D quadratic figure (alpha 0.05 / 0.5 / 1.2 on f = x^2, "
                         "stability 0 < alpha < 2/L)",
                         "alpha 0.05 creeps, 0.5 lands on the minimum in one step, 1.2 > 2/L = 1 "
                         "oscillates with growing amplitude",
                         K::paths);
    e.functions = {{"quadratic", {"a=1"}}};
    e.starts = {"-6"};
    e.optimizers = {R"({"name":"sgd","lr":0.05})", R"({"name":"sgd","lr":0.5})",
                    R"({"name":"sgd","lr":1.2})"};
    e.steps = 12;
    all.push_back(e);
  }
  {
    Experiment e =
        entry("himmelblau", "002, Himmelblau landscape figure (four minima)",
              "gradient descent from four starts ends at four different minima", K::paths);
    e.functions = {{"himmelblau", {}}};
    e.starts = {"1,1", "-1,1", "-1,-1", "1,-1"};
    e.optimizers = {R"({"name":"sgd","lr":0.01})"};
    e.steps = 100;
    all.push_back(e);
  }
  {
    Experiment e = entry("saddle", "002 / 003 (saddle points: plain GD stalls, momentum escapes)",
                         "from (1, 0.001) on x^2 - y^2, plain GD is still near the saddle after "
                         "100 steps; with momentum 0.9 it has left it",
                         K::paths);
    e.functions = {{"saddle", {}}};
    e.starts = {"1,0.001"};
    e.optimizers = {R"({"name":"sgd","lr":0.01})", R"({"name":"sgd","lr":0.01,"momentum":0.9})"};
    e.steps = 100;
    all.push_back(e);
  }
  {
    Experiment e = entry("lr-range-test",
                         "002, LR range test (sweep the lr, pick one before the loss shoots up)",
                         "the loss falls, flattens and shoots up; the suggestions lie below the "
                         "divergence point",
                         K::range_test);
    e.base = kLinearRegression;
    all.push_back(e);
  }
  return all;
}
}  // namespace

const std::vector<Experiment>& experiments() {
  static const std::vector<Experiment> all = make_experiments();
  return all;
}

const Experiment& find_experiment(const std::string& name) {
  return find_entry(experiments(), name, "experiment", "--experiment");
}

}  // namespace descent::cli
