#include "descent/data/split.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/data/synthetic.hpp"

namespace descent::data {
namespace {

/// Row ids recovered from the first feature (x(i, 0) = i).
std::vector<std::size_t> ids(const Dataset& d) {
  std::vector<std::size_t> out;
  for (Eigen::Index i = 0; i < d.x.rows(); ++i) out.push_back(static_cast<std::size_t>(d.x(i, 0)));
  return out;
}

/// 100 rows, x(i, 0) = i, x(i, 1) = -i; labels: 70 of class 0 and 30 of class 1.
Dataset numbered(Task task) {
  Dataset d;
  d.x.resize(100, 2);
  for (int i = 0; i < 100; ++i)
    d.x(i, 0) = static_cast<float>(i), d.x(i, 1) = static_cast<float>(-i);
  d.feature_names = {"id", "neg"};
  d.task = task;
  if (task == Task::regression) {
    d.y = d.x.col(0) * 2;
  } else {
    d.class_names = {"a", "b"};
    for (int i = 0; i < 100; ++i) d.labels.push_back(i % 10 < 7 ? 0 : 1);
  }
  return d;
}

TEST(Split, SizesPartitionAndRowsStayConsistent) {
  Splits s = split(numbered(Task::regression), {.val = 0.2, .test = 0.1, .seed = 1});
  for (const Dataset* d : {&s.train, &s.val, &s.test}) {
    d->validate();
    const std::vector<std::size_t> rows = ids(*d);
    EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));  // original order kept
    for (Eigen::Index i = 0; i < d->x.rows(); ++i) {
      EXPECT_EQ(d->x(i, 1), -d->x(i, 0));
      EXPECT_EQ(d->y[i], 2 * d->x(i, 0));
    }
  }
  EXPECT_EQ(s.train.rows(), 70u);
  EXPECT_EQ(s.val.rows(), 20u);
  EXPECT_EQ(s.test.rows(), 10u);
  std::vector<std::size_t> all = ids(s.train);
  for (const Dataset* d : {&s.val, &s.test}) {
    const std::vector<std::size_t> rows = ids(*d);
    all.insert(all.end(), rows.begin(), rows.end());
  }
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < 100; ++i) EXPECT_EQ(all[i], i);
}

TEST(Split, DeterministicFromTheSeed) {
  auto val_ids = [](std::uint64_t seed) {
    return ids(split(numbered(Task::regression), {.val = 0.25, .seed = seed}).val);
  };
  EXPECT_EQ(val_ids(4), val_ids(4));
  EXPECT_NE(val_ids(4), val_ids(5));
  Splits none = split(numbered(Task::regression), {});
  EXPECT_EQ(none.train.rows(), 100u);
  EXPECT_EQ(none.val.rows(), 0u);
  EXPECT_EQ(none.test.rows(), 0u);
  // A tiny fraction still gives one row.
  EXPECT_EQ(split(numbered(Task::regression), {.val = 0.001}).val.rows(), 1u);
}

TEST(Split, StratifiedKeepsClassProportions) {
  Splits s =
      split(numbered(Task::classification), {.val = 0.2, .test = 0.1, .seed = 2, .stratify = true});
  auto count = [](const Dataset& d, int c) {
    return std::count(d.labels.begin(), d.labels.end(), c);
  };
  EXPECT_EQ(count(s.val, 0), 14);
  EXPECT_EQ(count(s.val, 1), 6);
  EXPECT_EQ(count(s.test, 0), 7);
  EXPECT_EQ(count(s.test, 1), 3);
  EXPECT_EQ(count(s.train, 0), 49);
  for (const Dataset* d : {&s.train, &s.val, &s.test}) {
    d->validate();
    for (Eigen::Index i = 0; i < d->x.rows(); ++i) {
      const int id = static_cast<int>(d->x(i, 0));
      EXPECT_EQ(d->labels[static_cast<std::size_t>(i)], id % 10 < 7 ? 0 : 1);
    }
  }
  // Uneven shares: 3 classes of 5 rows, 4 validation rows -> 2 + 1 + 1 by largest remainders
  // (each class's exact share is 4/3), lowest class first on ties.
  Dataset three = make_blobs({.samples = 15, .classes = 3});
  Splits t = split(three, {.val = 4.0 / 15, .stratify = true});
  EXPECT_EQ(t.val.rows(), 4u);
  EXPECT_EQ(std::count(t.val.labels.begin(), t.val.labels.end(), 0), 2);
}

TEST(Split, BadFractions) {
  EXPECT_THROW(split(numbered(Task::regression), {.val = -0.1}), ConfigError);
  EXPECT_THROW(split(numbered(Task::regression), {.val = 1.0}), ConfigError);
  EXPECT_THROW(split(numbered(Task::regression), {.val = 0.6, .test = 0.4}), ConfigError);
  EXPECT_THROW(split(numbered(Task::regression), {.val = 0.1, .stratify = true}), ConfigError);
}

}  // namespace
}  // namespace descent::data
