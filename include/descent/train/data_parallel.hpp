#pragma once
// DataParallel: one training batch's forward and backward, split into fixed row chunks and shared
// among the ranks of a Communicator. The batch's gradient is defined as the sum over its chunks
// of rows [j R, (j + 1) R) (R = chunk_rows; the last chunk may be shorter) added in chunk order:
//   g_B = (...((A + g_0) + g_1) + ...) + g_{C-1},   A = the gradients accumulated before,
// and each chunk's dL/dOutput is its own mean's scaled by w_j / w_B (Loss::batch_weight: rows, or
// the sum of class weights), so L_B = sum_j w_j L_j / w_B. The chunks and the order do not depend
// on the number of ranks, hence neither do the bits: rank r computes the chunks share(C, r, N)
// gives it, each from zeroed gradients, and every rank gathers every chunk's gradient, loss and
// outputs and adds them in chunk order (never relying on the order of an MPI reduction). One
// process adds each chunk's backward straight into the gradients: the same sums, since each chunk's
// matrix products accumulate into the gradients once (one k-block, R <= 128 rows).
// With `allreduce` each rank instead adds its own chunks into its gradients and reduce() sums them
// over the ranks once per step with MPI_Allreduce: less traffic, but the bits depend on N.
//
// One process with a replica (set_replica) and several threads runs the chunks two at a time, as
// two tasks on descent's threads: chunk 2i on the model, chunk 2i+1 on the replica (the model's
// weights, its own activations and gradients, zeroed first), whose gradient is then added to the
// model's: g = (A + g_2i) + g_2i+1, the same sums in the same order, so the same bits as one
// chunk after the other. When no helper thread took chunk 2i+1 before chunk 2i was done, the
// calling thread runs it on the model itself, as without a replica. (A 64-row chunk is too small
// for Linear to share its products, so without this the default --chunk-rows 64 left the second
// core idle.)
#include <cstddef>
#include <vector>

#include "descent/core/communicator.hpp"
#include "descent/core/params.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/sequential.hpp"

namespace descent::train {

struct DataParallelOptions {
  std::size_t chunk_rows = 0;  // rows per chunk; 0 = the whole batch is one chunk
  bool allreduce = false;      // sum gradients with MPI_Allreduce (fast, bits depend on ranks)
};

template <class T>
class DataParallel {
 public:
  explicit DataParallel(DataParallelOptions options = {}) : options_(options) {}
  void set_communicator(Communicator& comm) { comm_ = &comm; }
  /// A second model of the same spec (parameters laid out alike) and its own loss, for the chunks
  /// to run two at a time in one process (see above). Both must outlive this object, and the model
  /// must be rank_independent.
  void set_replica(nn::Sequential<T>& model, Params<T>& params, const nn::Loss<T>& loss) {
    replica_ = {&model, &params, &loss};
  }
  Communicator& communicator() const { return *comm_; }
  const DataParallelOptions& options() const { return options_; }

  /// Forward and backward of the batch x / target (as the loss expects it): adds `scale` times
  /// the batch's gradient to params' gradients (`group_start`: they hold none of this step yet),
  /// sets `loss` to the batch's mean loss and returns the model's outputs for every row of the
  /// batch, on every rank.
  const nn::Matrix<T>& run(nn::Sequential<T>& model, const nn::Loss<T>& loss, Params<T>& params,
                           const nn::ConstRef<T>& x, const nn::Matrix<T>& target, T scale,
                           bool group_start, double& batch_loss);
  /// Before an optimizer step: in allreduce mode, sums the gradients over the ranks.
  void reduce(Params<T>& params);

 private:
  // run() of a batch in several chunks or processes; out of line, so that the one-chunk path of
  // run() stays a short function (a batch-1 step calls it for every row).
  [[gnu::noinline]] const nn::Matrix<T>& run_chunks(nn::Sequential<T>& model,
                                                    const nn::Loss<T>& loss, Params<T>& params,
                                                    const nn::ConstRef<T>& x,
                                                    const nn::Matrix<T>& target, T scale,
                                                    bool group_start, double& batch_loss);
  // One process: chunks j and j + 1 as two tasks, run_chunk(j, false) on the model and
  // run_chunk(j + 1, on_replica), then the replica's gradient, if used, added to params'.
  template <class RunChunk>
  void run_in_pairs(std::size_t chunks, Params<T>& params, RunChunk&& run_chunk);

  struct Replica {
    nn::Sequential<T>* model = nullptr;
    Params<T>* params = nullptr;
    const nn::Loss<T>* loss = nullptr;
  };
  DataParallelOptions options_;
  Replica replica_;
  nn::Matrix<T> replica_grad_output_;
  LocalCommunicator local_;
  Communicator* comm_ = &local_;
  nn::Matrix<T> grad_output_, outputs_;
  std::vector<T> held_;  // the gradients accumulated before this batch (several ranks)
  std::vector<std::byte> mine_, all_;
  std::vector<std::size_t> counts_;
};

/// Whether the model's chunks can be computed apart (by other ranks, or on a replica): false with
/// dropout, which draws its masks from one sequence per model, so a rank cannot draw another's
/// rows.
template <class T>
bool rank_independent(const nn::Sequential<T>& model);

/// Throws ConfigError when the model is not rank_independent.
template <class T>
void require_rank_independent(nn::Sequential<T>& model);

extern template class DataParallel<float>;
extern template class DataParallel<double>;

}  // namespace descent::train
