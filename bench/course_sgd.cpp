// The course's linear regression (1000 x 10 synthetic rows, MSE, SGD lr 0.01, rows reshuffled
// every epoch, 50 epochs) trained through descent's Trainer, beside the same training written as a
// plain loop and, when built with ensmallen's headers (DESCENT_ENSMALLEN_INCLUDE), ensmallen's SGD
// on the same data. Prints samples/s inside the training loop (the best of `repeats` runs, data
// preparation excluded) and the ratios, for batch sizes 1 and 32. The three take turns, one run
// each per repeat: a slow spell of this shared machine then slows all three, where measuring each
// in a block of its own runs moved the ratio to ensmallen by up to 1.5x from one run to the next.
//
//   build/release/bench/course_sgd [repeats]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "descent/core/random.hpp"
#include "descent/data/synthetic.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/model_spec.hpp"
#include "descent/optim/factory.hpp"
#include "descent/train/trainer.hpp"

#ifdef DESCENT_HAVE_ENSMALLEN
#include <ensmallen.hpp>
#endif

namespace {

constexpr std::size_t kRows = 1000, kFeatures = 10, kEpochs = 50;
constexpr double kLr = 0.01;

descent::data::Dataset course_data() {
  descent::data::LinearRegressionOptions o;
  o.samples = kRows;
  o.weights.clear();
  for (std::size_t j = 0; j < kFeatures; ++j) o.weights.push_back(0.5 * double(j) - 2);
  return descent::data::make_linear_regression(o);
}

/// Seconds that run() takes.
double seconds(const std::function<void()>& run) {
  const auto t0 = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// The Trainer as a library user runs it: Linear(10, 1), MSE, SGD, no callbacks.
double descent_trainer(const descent::data::Dataset& data, std::size_t batch, double* final_loss) {
  using namespace descent;
  auto model = nn::make_model<float>(nn::parse_model_spec("linear"), kFeatures, 1, 1);
  auto loss = nn::make_loss<float>("mse");
  auto opt = optim::make<float>(model->params, R"({"name": "sgd", "lr": 0.01})");
  train::Trainer<float> trainer(*model->net, model->params, *loss, *opt, nullptr,
                                {.epochs = kEpochs, .batch_size = batch, .shuffle = true});
  const double s = seconds([&] { trainer.fit(data); });
  *final_loss = trainer.history().back().at("train_loss");
  return s;
}

/// The same training as a hand-written loop: y = x w + b, g = 2/m sum (y - t) x, w -= lr g.
double plain_loop(const descent::data::Dataset& data, std::size_t batch) {
  std::vector<float> w(kFeatures, 0.0f), gw(kFeatures);
  std::vector<std::size_t> order(kRows);
  return seconds([&] {
    std::fill(w.begin(), w.end(), 0.0f);
    float b = 0;
    for (std::size_t e = 0; e < kEpochs; ++e) {
      for (std::size_t i = 0; i < kRows; ++i) order[i] = i;
      descent::Rng rng(descent::derive_seed(0, e));
      descent::shuffle(std::span<std::size_t>(order), rng);
      for (std::size_t begin = 0; begin < kRows; begin += batch) {
        const std::size_t end = std::min(begin + batch, kRows);
        std::fill(gw.begin(), gw.end(), 0.0f);
        float gb = 0;
        const float scale = 2.0f / float(end - begin);
        for (std::size_t k = begin; k < end; ++k) {
          const float* x = data.x.data() + order[k] * kFeatures;
          float y = b;
          for (std::size_t j = 0; j < kFeatures; ++j) y += x[j] * w[j];
          const float d = scale * (y - data.y[Eigen::Index(order[k])]);
          for (std::size_t j = 0; j < kFeatures; ++j) gw[j] += d * x[j];
          gb += d;
        }
        for (std::size_t j = 0; j < kFeatures; ++j) w[j] -= float(kLr) * gw[j];
        b -= float(kLr) * gb;
      }
    }
  });
}

#ifdef DESCENT_HAVE_ENSMALLEN
/// Linear regression as an ensmallen separable function (columns are samples, as in mlpack);
/// parameters [w; b], f = sum (w.x + b - t)^2 over the batch: ensmallen's functions return sums,
/// and its SGD divides the step by the batch size (the same step as descent's mean).
class LinearRegressionFunction {
 public:
  explicit LinearRegressionFunction(const descent::data::Dataset& data)
      : x_(kFeatures + 1, kRows), t_(kRows) {
    for (std::size_t i = 0; i < kRows; ++i) {
      for (std::size_t j = 0; j < kFeatures; ++j)
        x_(j, i) = data.x(Eigen::Index(i), Eigen::Index(j));
      x_(kFeatures, i) = 1;
      t_(i) = data.y(Eigen::Index(i));
    }
  }
  void Shuffle() {
    const arma::uvec order = arma::shuffle(arma::regspace<arma::uvec>(0, kRows - 1));
    x_ = x_.cols(order);
    t_ = t_.elem(order);
  }
  std::size_t NumFunctions() const { return kRows; }
  float Evaluate(const arma::fmat& p, std::size_t begin, std::size_t size) const {
    const arma::frowvec d =
        p.t() * x_.cols(begin, begin + size - 1) - t_.subvec(begin, begin + size - 1).t();
    return arma::accu(d % d);
  }
  float EvaluateWithGradient(const arma::fmat& p, std::size_t begin, arma::fmat& g,
                             std::size_t size) const {
    const auto xs = x_.cols(begin, begin + size - 1);
    const arma::frowvec d = p.t() * xs - t_.subvec(begin, begin + size - 1).t();
    g = 2.0f * (xs * d.t());
    return arma::accu(d % d);
  }
  void Gradient(const arma::fmat& p, std::size_t begin, arma::fmat& g, std::size_t size) const {
    EvaluateWithGradient(p, begin, g, size);
  }

 private:
  arma::fmat x_;
  arma::fvec t_;
};

double ensmallen_sgd(const descent::data::Dataset& data, std::size_t batch, double* final_loss) {
  LinearRegressionFunction f(data);
  arma::fmat p;
  const double s = seconds([&] {
    p.zeros(kFeatures + 1, 1);
    ens::StandardSGD sgd(kLr, batch, kEpochs * kRows, -1, /*shuffle=*/true);
    sgd.ExactObjective() = false;
    sgd.Optimize(f, p);
  });
  *final_loss = f.Evaluate(p, 0, kRows) / float(kRows);
  return s;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const auto data = course_data();
  const double samples = double(kRows * kEpochs);
  std::printf(
      "course linear regression %zux%zu, SGD lr %g, shuffled, %zu epochs; samples/s inside "
      "the loop, best of %d\n",
      kRows, kFeatures, kLr, kEpochs, repeats);
  std::printf("%6s %14s %14s %14s %10s %10s\n", "batch", "descent", "plain loop", "ensmallen",
              "/plain", "/ensmallen");
  for (std::size_t batch : {std::size_t{1}, std::size_t{32}}) {
    double loss = 0, d = 0, p = 0;
#ifdef DESCENT_HAVE_ENSMALLEN
    double ens_loss = 0, e = 0;
#endif
    for (int r = 0; r < repeats; ++r) {
      d = std::max(d, samples / descent_trainer(data, batch, &loss));
      p = std::max(p, samples / plain_loop(data, batch));
#ifdef DESCENT_HAVE_ENSMALLEN
      e = std::max(e, samples / ensmallen_sgd(data, batch, &ens_loss));
#endif
    }
#ifdef DESCENT_HAVE_ENSMALLEN
    std::printf("%6zu %14.4g %14.4g %14.4g %10.3f %10.3f   (train_loss %.4g, ensmallen %.4g)\n",
                batch, d, p, e, d / p, d / e, loss, ens_loss);
#else
    std::printf("%6zu %14.4g %14.4g %14s %10.3f %10s   (train_loss %.4g)\n", batch, d, p, "-",
                d / p, "-", loss);
#endif
  }
#ifndef DESCENT_HAVE_ENSMALLEN
  std::printf(
      "ensmallen: not built (bench/get_ensmallen.sh puts its headers in .deps/ensmallen, and "
      "install Debian libarmadillo-dev)\n");
#endif
}
