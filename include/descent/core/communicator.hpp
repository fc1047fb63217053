#pragma once
// Communicator: how the processes (ranks) of a data-parallel run reach each other. The Trainer
// takes one: every rank holds the whole model, each global batch is split among the ranks by
// fixed row chunks, and the chunks' results are combined in chunk order, so any number of ranks
// gives the bits of one process. LocalCommunicator is the one-process case; MpiCommunicator
// (mpi_communicator.hpp, built when MPI is found) spans the processes `mpirun` starts.
#include <cstddef>
#include <memory>
#include <span>
#include <utility>

namespace descent {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Every rank passes its bytes `mine` (counts[rank()] of them); `all` receives the bytes of
  /// ranks 0, 1, ..., size() - 1 one after the other (counts[r] from rank r).
  virtual void all_gather(std::span<const std::byte> mine, std::span<std::byte> all,
                          std::span<const std::size_t> counts) = 0;
  /// Element-wise sum over the ranks, in place, in whatever order the transport adds: fast, but
  /// the bits may depend on the number of ranks.
  virtual void all_reduce_sum(std::span<float> values) = 0;
  virtual void all_reduce_sum(std::span<double> values) = 0;
  /// Seconds spent inside the calls above (waiting for slower ranks included).
  virtual double seconds() const = 0;
};

/// One process: gathers copy, sums are the identity.
class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void all_gather(std::span<const std::byte> mine, std::span<std::byte> all,
                  std::span<const std::size_t> counts) override;
  void all_reduce_sum(std::span<float>) override {}
  void all_reduce_sum(std::span<double>) override {}
  double seconds() const override { return 0; }
};

/// The communicator of this process: an MpiCommunicator when descent was built with MPI and the
/// process was started by mpirun (MPI initialized here, finalized when it is destroyed), else a
/// LocalCommunicator.
std::unique_ptr<Communicator> make_communicator();

/// The items [first, last) of `count` that rank `rank` of `size` takes: contiguous shares in rank
/// order whose sizes differ by at most one (the first count % size ranks take one more).
std::pair<std::size_t, std::size_t> share(std::size_t count, int rank, int size);

}  // namespace descent
