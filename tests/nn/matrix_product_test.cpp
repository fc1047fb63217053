// descent::nn::sgemm (oneDNN, one thread) against the same product summed in double, for every
// transposition, with operands that are blocks of wider matrices.

#include "descent/nn/matrix_product.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace {

struct Stored {
  std::vector<float> values;
  Eigen::Index rows, cols, stride;
  float at(Eigen::Index r, Eigen::Index c) const { return values[std::size_t(r * stride + c)]; }
};

// A rows x cols block of a matrix with `extra` more columns, filled from rng.
Stored random_block(Eigen::Index rows, Eigen::Index cols, Eigen::Index extra, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Stored s{std::vector<float>(std::size_t(rows * (cols + extra))), rows, cols, cols + extra};
  for (auto& v : s.values) v = u(rng);
  return s;
}

void check(Eigen::Index m, Eigen::Index n, Eigen::Index k, bool ta, bool tb, float beta) {
  std::mt19937 rng(unsigned(m * 7 + n * 3 + k + ta * 2 + tb));
  const Stored a = ta ? random_block(k, m, 5, rng) : random_block(m, k, 5, rng);
  const Stored b = tb ? random_block(n, k, 3, rng) : random_block(k, n, 3, rng);
  Stored c = random_block(m, n, 7, rng);
  const Stored c0 = c;
  descent::nn::sgemm({a.values.data(), a.rows, a.cols, a.stride, ta},
                     {b.values.data(), b.rows, b.cols, b.stride, tb}, beta, c.values.data(),
                     c.stride);
  for (Eigen::Index i = 0; i < m; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      double sum = beta * double(c0.at(i, j));
      for (Eigen::Index l = 0; l < k; ++l)
        sum += double(ta ? a.at(l, i) : a.at(i, l)) * double(tb ? b.at(j, l) : b.at(l, j));
      ASSERT_NEAR(c.at(i, j), sum, 1e-4 * double(k))
          << m << "x" << n << "x" << k << " ta " << ta << " tb " << tb << " at " << i << "," << j;
    }
  }
  for (Eigen::Index i = 0; i < m; ++i)  // the columns beyond the block stay untouched
    for (Eigen::Index j = n; j < c.stride; ++j) ASSERT_EQ(c.at(i, j), c0.at(i, j));
}

TEST(MatrixProduct, EveryTranspositionOfBlocksMatchesTheSumInDouble) {
  for (const auto& [m, n, k] :
       {std::array<Eigen::Index, 3>{3, 5, 7}, {128, 40, 300}, {96, 130, 33}})
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (float beta : {0.0f, 1.0f}) check(m, n, k, ta, tb, beta);
}

}  // namespace
