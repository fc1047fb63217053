#pragma once
// Batches of a data set for one epoch after another. Batch size N (or 0) is batch gradient descent,
// 1 is stochastic gradient descent, anything between is mini-batch. With shuffling, the order of
// epoch e is a pure function of (seed, e): a Fisher-Yates shuffle of 0..N-1 driven by
// mt19937_64(derive_seed(seed, e)). So the iterator's whole state is (epoch, next batch): save
// those two numbers and start_epoch(epoch, batch) continues bit-identically after a restart.
//
// Shuffled batches of several rows are gathered into two buffers, each allocated once: on 2+
// threads descent's idle helpers gather the next batch into one while the caller trains on the
// other (core/parallel.hpp's BackgroundTasks; the caller copies what they have not when it asks for
// it). Unshuffled batches and batches of one row are views of the data set's rows (no copy). A
// batch is valid until the next call to next() or start_epoch().
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "descent/core/parallel.hpp"
#include "descent/data/dataset.hpp"

namespace descent::data {

struct BatchOptions {
  std::size_t batch_size = 0;  // 0 or >= rows: the whole set in one batch
  bool shuffle = true;
  bool drop_last = false;  // drop the last batch of an epoch when it is smaller
  std::uint64_t seed = 0;
};

/// One batch: rows of the data set (views; see above).
struct Batch {
  const float* x_data;
  const float* y_data;                   // regression targets, or nullptr
  const std::int32_t* labels_data;       // class ids, or nullptr
  std::span<const std::size_t> indices;  // the batch's rows in the data set, in batch order
  std::size_t features;
  std::size_t index;  // batch number within the epoch

  std::size_t size() const { return indices.size(); }
  Eigen::Map<const Matrix> x() const {
    return {x_data, static_cast<Eigen::Index>(size()), static_cast<Eigen::Index>(features)};
  }
  /// Regression targets (size()); empty for classification.
  Eigen::Map<const Vector> y() const {
    return {y_data, y_data ? static_cast<Eigen::Index>(size()) : 0};
  }
  /// Class ids (size()); empty for regression.
  std::span<const std::int32_t> labels() const { return {labels_data, labels_data ? size() : 0}; }
};

class BatchIterator {
 public:
  /// `data` must outlive the iterator. Throws ConfigError if drop_last leaves no batch.
  BatchIterator(const Dataset& data, BatchOptions options);

  std::size_t batch_size() const { return batch_size_; }
  std::size_t batches_per_epoch() const { return batches_per_epoch_; }
  /// Samples seen per epoch (rows, minus the dropped last batch).
  std::size_t samples_per_epoch() const { return samples_per_epoch_; }

  /// Starts epoch `epoch` (any order, any number of times) at batch `first_batch`.
  void start_epoch(std::uint64_t epoch, std::size_t first_batch = 0);
  /// The next batch of the current epoch, or nullptr when the epoch is over. The batch lives in
  /// the iterator (no copy per step) until the next call to next() or start_epoch().
  const Batch* next();

  std::uint64_t epoch() const { return epoch_; }
  /// Index of the batch the next call to next() returns (== batches_per_epoch() at the end).
  std::size_t next_batch() const { return next_batch_; }

 private:
  const Dataset& data_;
  BatchOptions options_;
  std::size_t batch_size_ = 0;
  std::size_t batches_per_epoch_ = 0;  // including a partial last batch if kept
  std::size_t samples_per_epoch_ = 0;
  std::uint64_t epoch_ = 0;
  std::size_t next_batch_ = 0;
  // Copies a batch's rows (in order) to one buffer, a task of rows_per_task rows at a time.
  struct Gather {
    const Dataset* data;
    std::span<const std::size_t> rows;
    float* x;
    float* y;              // regression targets, or nullptr
    std::int32_t* labels;  // class ids, or nullptr
    std::size_t rows_per_task;
    std::size_t tasks() const;
    void operator()(std::size_t task) const;
  };
  Gather gather(std::size_t batch, std::size_t buffer, std::size_t task_bytes);

  std::vector<std::size_t> order_;  // row order of the current epoch
  // Shuffled batches are gathered into two buffers (each allocated when first used): the current
  // batch's, and the next batch's, which descent's idle helper threads fill while the current one
  // trains (on 2+ threads).
  std::array<Matrix, 2> x_buffers_;
  std::array<std::vector<float>, 2> y_buffers_;
  std::array<std::vector<std::int32_t>, 2> labels_buffers_;
  std::size_t current_ = 0;  // the buffer of the batch next() returned last
  static constexpr std::size_t kNoBatch = SIZE_MAX;
  std::size_t prefetched_ = kNoBatch;  // the batch in the other buffer (being gathered there)
  Gather prefetch_gather_{};
  Batch batch_{};
  BackgroundTasks prefetch_;  // last: destroyed (its tasks finished) before what they write
};

}  // namespace descent::data
