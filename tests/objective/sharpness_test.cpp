// Power iteration for lambda_max against eigenvalues known in closed form or from Eigen's
// symmetric eigensolver.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "descent/core/random.hpp"
#include "descent/objective/sharpness.hpp"
#include "descent/objective/test_functions.hpp"

namespace descent::test {
namespace {

using objective::power_iteration;

objective::HessianVectorProduct product(const Eigen::MatrixXd& h) {
  return [h](std::span<const double> v, std::span<double> hv) {
    Eigen::Map<Eigen::VectorXd>(hv.data(), Eigen::Index(hv.size())) =
        h * Eigen::Map<const Eigen::VectorXd>(v.data(), Eigen::Index(v.size()));
  };
}

/// Q diag(eigenvalues) Q^T with Q a seeded random orthogonal matrix.
Eigen::MatrixXd with_eigenvalues(const std::vector<double>& eigenvalues, std::uint64_t seed) {
  const auto n = Eigen::Index(eigenvalues.size());
  Rng rng(seed);
  Eigen::MatrixXd a(n, n);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = standard_normal(rng);
  const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(a).householderQ();
  return q * Eigen::Map<const Eigen::VectorXd>(eigenvalues.data(), n).asDiagonal() * q.transpose();
}

TEST(Sharpness, MatchesTheLargestEigenvalueOfAQuadraticTo1e6) {
  // A quadratic f = x^T H x / 2 with eigenvalue ratio 0.8 between the two largest.
  const Eigen::MatrixXd h = with_eigenvalues({10, 8, 5, 3, 1, 0.5, 0.1, 0.01}, 7);
  const double exact = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(h).eigenvalues().maxCoeff();
  ASSERT_NEAR(exact, 10, 1e-12);
  const auto e = power_iteration(8, product(h));
  EXPECT_TRUE(e.converged);
  EXPECT_LT(std::abs(e.lambda_max - exact) / exact, 1e-6) << e.lambda_max;
  EXPECT_LT(std::abs(e.stable_lr() - 0.2) / 0.2, 1e-6);
  // The eigenvector: H v = lambda v.
  const Eigen::Map<const Eigen::VectorXd> v(e.eigenvector.data(), 8);
  EXPECT_LT((h * v - exact * v).norm(), 1e-5);
}

TEST(Sharpness, IllConditionedQuadraticGivesExactly2OverL) {
  // f = (x^2 + k y^2)/2: Hessian diag(1, k), so lambda_max = k = L and the stable lr is 2/k.
  const auto f = objective::erase(objective::IllConditionedQuadratic(100));
  const std::vector<double> x{0.3, -2};
  const auto e = objective::sharpness(*f, x);
  EXPECT_NEAR(e.lambda_max, 100, 1e-10);
  EXPECT_NEAR(e.stable_lr(), 0.02, 1e-14);
}

TEST(Sharpness, FindsTheLargestAlgebraicEigenvalueWhenANegativeOneDominates) {
  // Saddle x^2 - y^2: eigenvalues 2 and -2 of equal magnitude (plain power iteration oscillates).
  const auto saddle = objective::erase(objective::Saddle{});
  EXPECT_NEAR(objective::sharpness(*saddle, std::vector<double>{1, 1}).lambda_max, 2, 1e-8);
  // Eigenvalues -5, -1, 0.5: the dominant one is -5, the largest 0.5.
  const Eigen::MatrixXd h = with_eigenvalues({-5, -1, 0.5}, 3);
  EXPECT_NEAR(power_iteration(3, product(h)).lambda_max, 0.5, 1e-8);
  // Negative definite: lambda_max < 0, so no lr bound.
  const Eigen::MatrixXd concave = with_eigenvalues({-4, -1}, 5);
  const auto e = power_iteration(2, product(concave));
  EXPECT_NEAR(e.lambda_max, -1, 1e-8);
  EXPECT_TRUE(std::isinf(e.stable_lr()));
}

TEST(Sharpness, NonFiniteProductsAndBadOptionsAreErrors) {
  const auto nan = [](std::span<const double>, std::span<double> hv) {
    for (auto& x : hv) x = NAN;
  };
  EXPECT_THROW(power_iteration(2, nan), NumericalError);
  EXPECT_THROW(power_iteration(0, product(Eigen::MatrixXd())), UsageError);
  EXPECT_THROW(power_iteration(2, product(Eigen::MatrixXd::Identity(2, 2)), {.max_iterations = 0}),
               UsageError);
}

}  // namespace
}  // namespace descent::test
