#pragma once
// MpiCommunicator: the ranks of MPI_COMM_WORLD (only built when CMake finds MPI; descent then
// defines DESCENT_HAVE_MPI). Errors are fatal (MPI's default): when a rank dies, mpirun ends the
// others instead of leaving them waiting in a collective.
#include "descent/core/communicator.hpp"

namespace descent {

class MpiCommunicator final : public Communicator {
 public:
  /// Initializes MPI unless it already is (then MPI is left to its owner to finalize); finalizes
  /// it when destroyed, unless an exception is on its way out.
  MpiCommunicator();
  ~MpiCommunicator() override;
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void all_gather(std::span<const std::byte> mine, std::span<std::byte> all,
                  std::span<const std::size_t> counts) override;
  void all_reduce_sum(std::span<float> values) override;
  void all_reduce_sum(std::span<double> values) override;
  double seconds() const override { return seconds_; }

 private:
  int rank_ = 0, size_ = 1;
  bool owns_ = false;
  double seconds_ = 0;
};

}  // namespace descent
