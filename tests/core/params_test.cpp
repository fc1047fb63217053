// Params<T>: arena layout (by group, contiguous groups, 64-byte aligned), views, misuse errors,
// zero_grad, grad_norm (deterministic for any thread count) and the finite checks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/core/params.hpp"

namespace descent {
namespace {

template <class T>
class ParamsTest : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(ParamsTest, Types);

bool aligned64(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
}

/// Expects `fn` to throw a UsageError whose what() contains `needle`.
template <class Fn>
void expect_usage_error(Fn&& fn, const std::string& needle) {
  try {
    fn();
    ADD_FAILURE() << "expected a UsageError containing '" << needle << "'";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TYPED_TEST(ParamsTest, LaysTensorsOutByGroupInContiguousRanges) {
  using T = TypeParam;
  Params<T> p;
  auto a = p.add("a", {2, 3}, 1);     // 6
  auto b = p.add("b", {5}, 0);        // 5
  auto c = p.add("c", {1, 2, 2}, 1);  // 4
  auto d = p.add("d", {7}, 2);        // 7
  auto e = p.add("e", {3}, 0);        // 3
  p.allocate();

  EXPECT_EQ(p.size(), 25u);
  EXPECT_EQ(p.num_tensors(), 5u);
  EXPECT_EQ(p.num_groups(), 3u);
  // By group, then in order of add(): b e | a c | d.
  const std::vector<std::size_t> order{b.index, e.index, a.index, c.index, d.index};
  ASSERT_EQ(p.arena_order().size(), order.size());
  std::size_t offset = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    EXPECT_EQ(p.arena_order()[k].index, order[k]);
    auto view = p.tensor(p.arena_order()[k]);
    EXPECT_EQ(view.offset, offset) << view.name;
    offset += view.size();
  }
  EXPECT_EQ(offset, p.size());
  const std::size_t begins[] = {0, 8, 18}, sizes[] = {8, 10, 7};
  for (std::size_t g = 0; g < 3; ++g) {
    EXPECT_EQ(p.group_range(g).begin, begins[g]);
    EXPECT_EQ(p.group_range(g).size, sizes[g]);
    EXPECT_EQ(p.group_values(g).data(), p.values().data() + begins[g]);
    EXPECT_EQ(p.group_grads(g).data(), p.grads().data() + begins[g]);
    EXPECT_EQ(p.group_values(g).size(), sizes[g]);
  }
  EXPECT_TRUE(aligned64(p.values().data()));
  EXPECT_TRUE(aligned64(p.grads().data()));
  EXPECT_NE(p.values().data(), p.grads().data());
  EXPECT_THROW(p.group_range(3), std::out_of_range);
}

TYPED_TEST(ParamsTest, ViewsAliasTheArena) {
  using T = TypeParam;
  Params<T> p;
  auto w = p.add("fc.weight", {3, 4});
  auto bias = p.add("fc.bias", {3}, 1);
  p.allocate();
  for (T v : p.values()) EXPECT_EQ(v, T(0));  // zero-initialized
  for (T v : p.grads()) EXPECT_EQ(v, T(0));

  auto wv = p.tensor(w);
  EXPECT_EQ(wv.name, "fc.weight");
  EXPECT_EQ(wv.shape, (Shape{3, 4}));
  EXPECT_EQ(wv.group, 0u);
  EXPECT_EQ(wv.size(), 12u);
  EXPECT_EQ(wv.value.data(), p.values().data() + wv.offset);
  EXPECT_EQ(wv.grad.data(), p.grads().data() + wv.offset);

  auto bv = p.tensor("fc.bias");
  EXPECT_EQ(bv.offset, 12u);
  EXPECT_EQ(p.id("fc.bias").index, bias.index);
  EXPECT_TRUE(p.contains("fc.bias"));
  EXPECT_FALSE(p.contains("fc.bias2"));
  bv.value[2] = T(1.5);
  bv.grad[0] = T(-2);
  EXPECT_EQ(p.values()[14], T(1.5));
  EXPECT_EQ(p.grads()[12], T(-2));

  const Params<T>& cp = p;
  auto cv = cp.tensor(bias);
  EXPECT_EQ(cv.value[2], T(1.5));
  EXPECT_EQ(cv.grad.data(), bv.grad.data());
}

TYPED_TEST(ParamsTest, MisuseIsAUsageError) {
  using T = TypeParam;
  {
    Params<T> p;
    p.add("w", {2, 2});
    expect_usage_error([&] { p.add("w", {3}); }, "w: duplicate tensor name");
    expect_usage_error([&] { p.add("z", {3, 0}); }, "z: tensor has a zero-size dimension");
    expect_usage_error([&] { p.add("s", {}); }, "s: tensor has an empty shape");
    expect_usage_error([&] { p.add("", {1}); }, "tensor name is empty");
    expect_usage_error([&] { p.tensor(TensorId{0}); }, "tensor view before allocate()");
    expect_usage_error([&] { p.tensor("w"); }, "tensor view before allocate()");
    p.allocate();
    expect_usage_error([&] { p.add("v", {1}); }, "v: cannot add a tensor after allocate()");
    expect_usage_error([&] { p.allocate(); }, "allocate() called twice");
    expect_usage_error([&] { p.id("nope"); }, "nope: no tensor with this name");
    EXPECT_EQ(p.num_tensors(), 1u);  // the refused adds left nothing behind
  }
  {
    Params<T> p;
    EXPECT_FALSE(p.allocated());
    expect_usage_error([&] { p.allocate(); }, "no tensors to allocate");
  }
  {
    Params<T> p;
    p.add("a", {1}, 0);
    p.add("b", {1}, 2);
    expect_usage_error([&] { p.allocate(); }, "parameter group 1 has no tensors");
  }
}

TYPED_TEST(ParamsTest, ZeroGradClearsEveryGradientAndNoValue) {
  using T = TypeParam;
  Params<T> p;
  p.add("big", {kParallelMin / kParallelChunk + 1, kParallelChunk});  // the parallel path
  p.add("small", {5}, 1);
  p.allocate();
  for (auto& g : p.grads()) g = T(1);
  for (auto& v : p.values()) v = T(2);
  p.zero_grad();
  for (T g : p.grads()) ASSERT_EQ(g, T(0));
  for (T v : p.values()) ASSERT_EQ(v, T(2));
}

TYPED_TEST(ParamsTest, GradNormByHand) {
  using T = TypeParam;
  Params<T> p;
  auto a = p.add("a", {1});
  auto b = p.add("b", {1}, 1);
  p.allocate();
  EXPECT_EQ(p.grad_norm(), 0.0);
  p.tensor(a).grad[0] = T(3);
  p.tensor(b).grad[0] = T(-4);
  EXPECT_EQ(p.grad_norm(), 5.0);  // sqrt(9 + 16)
}

// Beyond one chunk (kParallelChunk = 32768 elements) the sum is taken per chunk and added in chunk
// order: close to the naive sequential sum, and the same bits for 1 and 2 threads (the arena is
// larger than kParallelMin, so the chunks run in parallel).
TYPED_TEST(ParamsTest, GradNormOverManyChunksMatchesNaiveSumForAnyThreadCount) {
  using T = TypeParam;
  Params<T> p;
  p.add("a", {kParallelChunk + 7});
  p.add("b", {300, 301}, 1);
  p.add("c", {kParallelMin}, 0);
  p.allocate();
  auto g = p.grads();
  double naive = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    g[i] = T(std::sin(0.001 * double(i)) * (1 + double(i % 7)));
    naive += double(g[i]) * double(g[i]);
  }
  naive = std::sqrt(naive);
  const int saved = num_threads();
  set_num_threads(1);
  const double one = p.grad_norm();
  set_num_threads(2);
  const double two = p.grad_norm();
  set_num_threads(saved);
  EXPECT_NEAR(one, naive, 1e-12 * naive);
  EXPECT_EQ(std::memcmp(&one, &two, sizeof one), 0) << one << " vs " << two;
}

TYPED_TEST(ParamsTest, FirstNonfiniteGradInArenaOrder) {
  using T = TypeParam;
  Params<T> p;
  auto a = p.add("a", {4}, 1);
  auto b = p.add("b", {kParallelChunk + 3}, 0);
  auto c = p.add("c", {2, 3}, 1);
  p.allocate();
  for (auto& g : p.grads()) g = T(1e30);  // large but finite
  // The extremes of the finite range are finite too.
  p.tensor(b).grad[1] = std::numeric_limits<T>::max();
  p.tensor(b).grad[2] = std::numeric_limits<T>::lowest();
  p.tensor(b).grad[3] = std::numeric_limits<T>::denorm_min();
  p.tensor(b).grad[4] = -T(0);
  EXPECT_FALSE(p.first_nonfinite_grad().has_value());
  EXPECT_FALSE(p.first_nonfinite_value().has_value());

  p.tensor(c).grad[5] = std::numeric_limits<T>::quiet_NaN();
  ASSERT_TRUE(p.first_nonfinite_grad().has_value());
  EXPECT_EQ(p.first_nonfinite_grad()->index, c.index);
  // a comes before c in the arena (both group 1, a added first).
  p.tensor(a).grad[0] = -std::numeric_limits<T>::infinity();
  EXPECT_EQ(p.first_nonfinite_grad()->index, a.index);
  // b (group 0) comes first of all.
  p.tensor(b).grad[kParallelChunk + 2] = std::numeric_limits<T>::infinity();
  EXPECT_EQ(p.first_nonfinite_grad()->index, b.index);
  EXPECT_FALSE(p.first_nonfinite_value().has_value());  // values untouched

  p.tensor(c).value[0] = std::numeric_limits<T>::quiet_NaN();
  ASSERT_TRUE(p.first_nonfinite_value().has_value());
  EXPECT_EQ(p.first_nonfinite_value()->index, c.index);
}

}  // namespace
}  // namespace descent
