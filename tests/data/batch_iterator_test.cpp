#include "descent/data/batch_iterator.hpp"

#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"

namespace descent::data {
namespace {

/// n rows; x(i, j) = 10 i + j, y(i) = i (or label i mod 3): every value tells its row.
Dataset make_indexed(std::size_t n, Task task) {
  Dataset d;
  d.x.resize(static_cast<Eigen::Index>(n), 2);
  for (std::size_t i = 0; i < n; ++i) {
    d.x(static_cast<Eigen::Index>(i), 0) = static_cast<float>(10 * i);
    d.x(static_cast<Eigen::Index>(i), 1) = static_cast<float>(10 * i + 1);
  }
  d.feature_names = {"a", "b"};
  d.task = task;
  if (task == Task::regression) {
    d.y = Vector::LinSpaced(static_cast<Eigen::Index>(n), 0.0f, static_cast<float>(n - 1));
  } else {
    d.class_names = {"p", "q", "r"};
    for (std::size_t i = 0; i < n; ++i) d.labels.push_back(static_cast<std::int32_t>(i % 3));
  }
  d.validate();
  return d;
}

/// All rows of one epoch, in order, checking that each batch's content matches its indices.
std::vector<std::size_t> run_epoch(BatchIterator& it, const Dataset& d, std::uint64_t epoch,
                                   std::vector<std::size_t>* sizes = nullptr) {
  std::vector<std::size_t> rows;
  it.start_epoch(epoch);
  std::size_t expected_index = 0;
  while (auto batch = it.next()) {
    EXPECT_EQ(batch->index, expected_index++);
    auto x = batch->x();
    for (std::size_t i = 0; i < batch->size(); ++i) {
      std::size_t row = batch->indices[i];
      EXPECT_EQ(x(static_cast<Eigen::Index>(i), 0), static_cast<float>(10 * row));
      EXPECT_EQ(x(static_cast<Eigen::Index>(i), 1), static_cast<float>(10 * row + 1));
      if (d.task == Task::regression) {
        EXPECT_EQ(batch->y()[static_cast<Eigen::Index>(i)], static_cast<float>(row));
      } else {
        EXPECT_EQ(batch->labels()[i], static_cast<std::int32_t>(row % 3));
      }
      rows.push_back(row);
    }
    if (sizes) sizes->push_back(batch->size());
  }
  EXPECT_EQ(it.next_batch(), it.batches_per_epoch());
  return rows;
}

std::vector<std::size_t> sorted(std::vector<std::size_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::size_t> iota(std::size_t n) {
  std::vector<std::size_t> v(n);
  std::iota(v.begin(), v.end(), std::size_t{0});
  return v;
}

TEST(BatchIterator, MiniBatchCoversEveryRowOncePerEpoch) {
  for (Task task : {Task::regression, Task::classification}) {
    Dataset d = make_indexed(10, task);
    BatchIterator it(d, {.batch_size = 4, .seed = 7});
    EXPECT_EQ(it.batches_per_epoch(), 3u);
    EXPECT_EQ(it.samples_per_epoch(), 10u);
    std::vector<std::size_t> sizes;
    EXPECT_EQ(sorted(run_epoch(it, d, 0, &sizes)), iota(10));
    EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 2}));  // the partial last batch is kept
  }
}

TEST(BatchIterator, DropLast) {
  Dataset d = make_indexed(10, Task::regression);
  BatchIterator it(d, {.batch_size = 4, .drop_last = true, .seed = 7});
  EXPECT_EQ(it.batches_per_epoch(), 2u);
  EXPECT_EQ(it.samples_per_epoch(), 8u);
  std::vector<std::size_t> sizes;
  std::vector<std::size_t> rows = run_epoch(it, d, 3, &sizes);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4}));
  std::vector<std::size_t> seen = sorted(rows);
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_TRUE(std::adjacent_find(seen.begin(), seen.end()) == seen.end());  // no row twice
  // Divisible: nothing to drop.
  BatchIterator even(d, {.batch_size = 5, .drop_last = true});
  EXPECT_EQ(even.samples_per_epoch(), 10u);
  // No batch left at all is a configuration error.
  EXPECT_THROW(BatchIterator(d, {.batch_size = 11, .drop_last = true}), ConfigError);
}

TEST(BatchIterator, BatchGradientDescentAndSgd) {
  Dataset d = make_indexed(7, Task::classification);
  for (std::size_t full : {std::size_t{0}, std::size_t{7}, std::size_t{100}}) {
    BatchIterator bgd(d, {.batch_size = full, .shuffle = false});
    EXPECT_EQ(bgd.batches_per_epoch(), 1u);
    std::vector<std::size_t> sizes;
    EXPECT_EQ(run_epoch(bgd, d, 0, &sizes), iota(7));
    EXPECT_EQ(sizes, (std::vector<std::size_t>{7}));
  }
  BatchIterator sgd(d, {.batch_size = 1, .seed = 1});
  std::vector<std::size_t> sizes;
  EXPECT_EQ(sorted(run_epoch(sgd, d, 0, &sizes)), iota(7));
  EXPECT_EQ(sizes, std::vector<std::size_t>(7, 1));
}

TEST(BatchIterator, UnshuffledBatchesViewTheDataInOrder) {
  Dataset d = make_indexed(5, Task::regression);
  BatchIterator it(d, {.batch_size = 2, .shuffle = false});
  it.start_epoch(4);
  auto first = it.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->x().data(), d.x.data());  // no copy
  EXPECT_EQ(run_epoch(it, d, 5), iota(5));
}

TEST(BatchIterator, ShuffledBatchesOfOneRowViewTheirRow) {
  for (Task task : {Task::regression, Task::classification}) {
    Dataset d = make_indexed(6, task);
    BatchIterator it(d, {.batch_size = 1, .seed = 3});
    it.start_epoch(2);
    while (auto batch = it.next()) {
      const std::size_t row = batch->indices[0];
      EXPECT_EQ(batch->x().data(), d.x.data() + row * 2);  // no copy
      if (task == Task::regression)
        EXPECT_EQ(batch->y().data(), d.y.data() + row);
      else
        EXPECT_EQ(batch->labels().data(), d.labels.data() + row);
    }
  }
}

TEST(BatchIterator, ReshufflesPerEpochDeterministicallyFromTheSeed) {
  Dataset d = make_indexed(50, Task::regression);
  BatchIterator a(d, {.batch_size = 8, .seed = 42});
  BatchIterator b(d, {.batch_size = 8, .seed = 42});
  BatchIterator c(d, {.batch_size = 8, .seed = 43});
  std::vector<std::size_t> a0 = run_epoch(a, d, 0), a1 = run_epoch(a, d, 1);
  EXPECT_NE(a0, a1);
  EXPECT_NE(a0, iota(50));
  EXPECT_EQ(run_epoch(b, d, 0), a0);
  EXPECT_EQ(run_epoch(b, d, 1), a1);
  EXPECT_NE(run_epoch(c, d, 0), a0);
  // The order of an epoch does not depend on what ran before it.
  EXPECT_EQ(run_epoch(b, d, 1), a1);
}

TEST(BatchIterator, ResumeMidEpochContinuesIdentically) {
  Dataset d = make_indexed(30, Task::classification);
  BatchIterator full(d, {.batch_size = 4, .seed = 9});
  std::vector<std::size_t> whole = run_epoch(full, d, 2);

  BatchIterator first(d, {.batch_size = 4, .seed = 9});
  first.start_epoch(2);
  std::vector<std::size_t> rows;
  for (int i = 0; i < 3; ++i) {
    auto batch = first.next();
    rows.insert(rows.end(), batch->indices.begin(), batch->indices.end());
  }
  // A new iterator (after a restart) given only (epoch, next batch).
  BatchIterator resumed(d, {.batch_size = 4, .seed = 9});
  resumed.start_epoch(first.epoch(), first.next_batch());
  while (auto batch = resumed.next()) {
    rows.insert(rows.end(), batch->indices.begin(), batch->indices.end());
  }
  EXPECT_EQ(rows, whole);
  EXPECT_THROW(resumed.start_epoch(0, 9), UsageError);
}

TEST(BatchIterator, BatchesAreTheSameWhenHelpersGatherTheNextOne) {
  // On 2 threads the next shuffled batch is gathered by a helper while the caller holds the
  // current one: the same rows and values as on one thread, across epochs, restarts mid-epoch
  // and an iterator dropped with a gather under way; 993 rows end with a batch of one row.
  const int saved = num_threads();
  for (auto [task, rows] :
       {std::pair{Task::regression, 1000}, std::pair{Task::classification, 993}}) {
    Dataset d = make_indexed(std::size_t(rows), task);
    std::vector<std::vector<std::size_t>> epochs;
    set_num_threads(1);
    BatchIterator one(d, {.batch_size = 16, .seed = 5});
    for (std::uint64_t e = 0; e < 3; ++e) epochs.push_back(run_epoch(one, d, e));
    set_num_threads(2);
    BatchIterator two(d, {.batch_size = 16, .seed = 5});
    for (std::uint64_t e = 0; e < 3; ++e) {
      two.start_epoch(e);
      two.next();
      two.next();  // the third batch is being gathered: start the epoch again
      EXPECT_EQ(run_epoch(two, d, e), epochs[e]);
    }
    BatchIterator dropped(d, {.batch_size = 16, .seed = 5});
    dropped.next();
  }
  set_num_threads(saved);
}

}  // namespace
}  // namespace descent::data
