#include "descent/core/communicator.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "descent/core/error.hpp"
#ifdef DESCENT_HAVE_MPI
#include "descent/core/mpi_communicator.hpp"
#endif

namespace descent {

void LocalCommunicator::all_gather(std::span<const std::byte> mine, std::span<std::byte> all,
                                   std::span<const std::size_t> counts) {
  if (counts.size() != 1 || counts[0] != mine.size() || all.size() < mine.size())
    throw UsageError("all_gather: counts do not match the buffers", "communicator");
  if (!mine.empty()) std::memcpy(all.data(), mine.data(), mine.size());
}

std::unique_ptr<Communicator> make_communicator() {
#ifdef DESCENT_HAVE_MPI
  // Set by OpenMPI's mpirun (and PMIx launchers) in every rank it starts.
  if (std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK"))
    return std::make_unique<MpiCommunicator>();
#endif
  return std::make_unique<LocalCommunicator>();
}

std::pair<std::size_t, std::size_t> share(std::size_t count, int rank, int size) {
  const auto r = static_cast<std::size_t>(rank), n = static_cast<std::size_t>(size);
  const std::size_t base = count / n, extra = count % n;
  const std::size_t first = r * base + std::min(r, extra);
  return {first, first + base + (r < extra ? 1 : 0)};
}

}  // namespace descent
