#include "descent/core/mpi_communicator.hpp"

#include <mpi.h>

#include <climits>
#include <exception>
#include <vector>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent {

namespace {
/// MPI counts are ints: one collective moves at most INT_MAX bytes per rank.
int mpi_count(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX))
    throw UsageError(fmt::format("{} bytes in one MPI call (at most {})", n, INT_MAX),
                     "communicator", "use a smaller batch or chunk");
  return static_cast<int>(n);
}

template <class T>
void reduce(std::span<T> values, MPI_Datatype type, double& seconds) {
  const double start = MPI_Wtime();
  MPI_Allreduce(MPI_IN_PLACE, values.data(), mpi_count(values.size()), type, MPI_SUM,
                MPI_COMM_WORLD);
  seconds += MPI_Wtime() - start;
}
}  // namespace

MpiCommunicator::MpiCommunicator() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    MPI_Init(nullptr, nullptr);
    owns_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiCommunicator::~MpiCommunicator() {
  // Leaving on an error (this rank alone, perhaps): MPI_Finalize would wait for the other ranks,
  // which wait in a collective; exiting without it makes mpirun end them all.
  if (owns_ && std::uncaught_exceptions() == 0) MPI_Finalize();
}

void MpiCommunicator::all_gather(std::span<const std::byte> mine, std::span<std::byte> all,
                                 std::span<const std::size_t> counts) {
  std::vector<int> sizes(counts.size()), offsets(counts.size());
  std::size_t offset = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    sizes[r] = mpi_count(counts[r]);
    offsets[r] = mpi_count(offset);
    offset += counts[r];
  }
  if (counts.size() != static_cast<std::size_t>(size_) ||
      counts[static_cast<std::size_t>(rank_)] != mine.size() || all.size() < offset)
    throw UsageError("all_gather: counts do not match the buffers", "communicator");
  const double start = MPI_Wtime();
  MPI_Allgatherv(mine.data(), sizes[static_cast<std::size_t>(rank_)], MPI_BYTE, all.data(),
                 sizes.data(), offsets.data(), MPI_BYTE, MPI_COMM_WORLD);
  seconds_ += MPI_Wtime() - start;
}

void MpiCommunicator::all_reduce_sum(std::span<float> values) {
  reduce(values, MPI_FLOAT, seconds_);
}
void MpiCommunicator::all_reduce_sum(std::span<double> values) {
  reduce(values, MPI_DOUBLE, seconds_);
}

}  // namespace descent
