#include "descent/train/data_parallel.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <exception>
#include <utility>

#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/nn/dropout.hpp"

namespace descent::train {

template <class T>
bool rank_independent(const nn::Sequential<T>& model) {
  for (std::size_t i = 0; i < model.size(); ++i)
    if (const auto* d = dynamic_cast<const nn::Dropout<T>*>(&model[i]); d && d->p() > 0)
      return false;
  return true;
}

template <class T>
void require_rank_independent(nn::Sequential<T>& model) {
  if (!rank_independent(model))
    throw ConfigError("dropout is not supported with several processes", "model.dropout",
                      "train without dropout under mpirun, or in one process");
}

template <class T>
const nn::Matrix<T>& DataParallel<T>::run(nn::Sequential<T>& model, const nn::Loss<T>& loss,
                                          Params<T>& params, const nn::ConstRef<T>& x,
                                          const nn::Matrix<T>& target, T scale, bool group_start,
                                          double& batch_loss) {
  const auto rows = static_cast<std::size_t>(x.rows());
  const int size = comm_->size();
  if (size == 1 && (options_.chunk_rows == 0 || rows <= options_.chunk_rows)) {
    // One chunk in one process: the whole batch at once.
    const nn::Matrix<T>& out = model.forward(x);
    batch_loss = loss.evaluate(out, target, &grad_output_);
    if (scale != T(1)) grad_output_ *= scale;
    model.backward(grad_output_);
    return out;
  }
  return run_chunks(model, loss, params, x, target, scale, group_start, batch_loss);
}

template <class T>
const nn::Matrix<T>& DataParallel<T>::run_chunks(nn::Sequential<T>& model, const nn::Loss<T>& loss,
                                                 Params<T>& params, const nn::ConstRef<T>& x,
                                                 const nn::Matrix<T>& target, T scale,
                                                 bool group_start, double& batch_loss) {
  const auto rows = static_cast<std::size_t>(x.rows());
  const int size = comm_->size();
  const std::size_t R = options_.chunk_rows ? std::min(options_.chunk_rows, rows) : rows;
  const std::size_t chunks = (rows + R - 1) / R;
  const bool ship_grads = size > 1 && !options_.allreduce;
  const auto cols = static_cast<Eigen::Index>(model.output_dim(static_cast<std::size_t>(x.cols())));
  const std::size_t P = ship_grads ? params.size() : 0;
  // Chunk j: rows [j R, j R + rows_j); its record: loss (double), outputs, gradients (P of T).
  auto chunk_rows = [&](std::size_t j) { return std::min(R, rows - j * R); };
  auto record = [&](std::size_t j) {
    return sizeof(double) + (chunk_rows(j) * static_cast<std::size_t>(cols) + P) * sizeof(T);
  };
  counts_.assign(static_cast<std::size_t>(size), 0);
  for (int r = 0; r < size; ++r) {
    const auto [first, last] = share(chunks, r, size);
    for (std::size_t j = first; j < last; ++j) counts_[static_cast<std::size_t>(r)] += record(j);
  }
  // Named variables, not a structured binding: clang before 16 cannot capture one in a lambda.
  const auto mine = share(chunks, comm_->rank(), size);
  const std::size_t first = mine.first, last = mine.second;
  mine_.resize(counts_[static_cast<std::size_t>(comm_->rank())]);
  auto grads = params.grads();
  if (ship_grads && !group_start) held_.assign(grads.begin(), grads.end());
  const double w_batch = loss.batch_weight(target);
  // Chunk j on `net`, its record at mine_'s (j - first)-th place (every chunk before the last has R
  // rows).
  auto run_chunk = [&](std::size_t j, nn::Sequential<T>& net, const nn::Loss<T>& chunk_loss_of,
                       nn::Matrix<T>& grad_output) {
    const auto begin = static_cast<Eigen::Index>(j * R),
               n = static_cast<Eigen::Index>(chunk_rows(j));
    const auto chunk_target = target.middleRows(begin, n);
    const nn::Matrix<T>& out = net.forward(x.middleRows(begin, n));
    const double chunk_loss = chunk_loss_of.evaluate(out, chunk_target, &grad_output);
    // dL_B/dOutput of these rows = (w_j / w_B) dL_j/dOutput
    if (chunks > 1)
      grad_output *= static_cast<T>(chunk_loss_of.batch_weight(chunk_target) / w_batch);
    if (scale != T(1)) grad_output *= scale;
    if (ship_grads) std::fill(grads.begin(), grads.end(), T(0));
    net.backward(grad_output);
    std::byte* put = mine_.data() + (j - first) * record(first);
    std::memcpy(put, &chunk_loss, sizeof(double));
    std::memcpy(put + sizeof(double), out.data(), static_cast<std::size_t>(out.size()) * sizeof(T));
    put += sizeof(double) + static_cast<std::size_t>(out.size()) * sizeof(T);
    if (ship_grads) std::memcpy(put, grads.data(), P * sizeof(T));
  };
  if (size == 1 && replica_.model && chunks > 1 && num_threads() > 1) {
    run_in_pairs(chunks, params, [&](std::size_t j, bool on_replica) {
      if (on_replica)
        run_chunk(j, *replica_.model, *replica_.loss, replica_grad_output_);
      else
        run_chunk(j, model, loss, grad_output_);
    });
  } else {
    for (std::size_t j = first; j < last; ++j) run_chunk(j, model, loss, grad_output_);
  }
  std::size_t total = 0;
  for (auto c : counts_) total += c;
  all_.resize(total);
  comm_->all_gather(mine_, all_, counts_);
  // Every chunk in chunk order: outputs, L_B = sum_j w_j L_j / w_B, g = (A + g_0) + g_1 + ...
  nn::ensure_shape(outputs_, x.rows(), cols);
  if (ship_grads) {
    if (group_start)
      std::fill(grads.begin(), grads.end(), T(0));
    else
      std::copy(held_.begin(), held_.end(), grads.begin());
  }
  double weighted = 0;
  const std::byte* get = all_.data();
  for (std::size_t j = 0; j < chunks; ++j) {
    const std::size_t n = chunk_rows(j);
    double chunk_loss;
    std::memcpy(&chunk_loss, get, sizeof(double));
    get += sizeof(double);
    weighted += chunks > 1 ? loss.batch_weight(target.middleRows(static_cast<Eigen::Index>(j * R),
                                                                 static_cast<Eigen::Index>(n))) *
                                 chunk_loss
                           : chunk_loss;
    std::memcpy(outputs_.data() + j * R * static_cast<std::size_t>(cols), get,
                n * static_cast<std::size_t>(cols) * sizeof(T));
    get += n * static_cast<std::size_t>(cols) * sizeof(T);
    if (ship_grads) {
      const T* g = reinterpret_cast<const T*>(get);
      T* out = grads.data();
      for (std::size_t e = 0; e < P; ++e) out[e] += g[e];
    }
    get += P * sizeof(T);
  }
  batch_loss = chunks > 1 ? weighted / w_batch : weighted;
  return outputs_;
}

template <class T>
template <class RunChunk>
void DataParallel<T>::run_in_pairs(std::size_t chunks, Params<T>& params, RunChunk&& run_chunk) {
  Params<T>& copy = *replica_.params;
  bool copied = false;  // whether the replica holds this batch's weights
  std::array<std::exception_ptr, 2> failed;
  for (std::size_t j = 0; j < chunks; j += 2) {
    const bool pair = j + 1 < chunks;
    std::atomic<bool> first_done{false};
    bool on_replica = false;
    run_tasks(pair ? 2 : 1, true, [&](std::size_t task) {
      try {
        if (task == 0) {
          run_chunk(j, false);
          first_done.store(true, std::memory_order_release);
          return;
        }
        // Once chunk j is done (a helper was late, so this thread ran both), chunk j + 1 goes on
        // the model itself: the same sums, without the replica's copy, zeroing and addition.
        on_replica = !first_done.load(std::memory_order_acquire);
        if (on_replica) {
          if (!std::exchange(copied, true))
            std::ranges::copy(params.values(), copy.values().begin());
          copy.zero_grad();
        }
        run_chunk(j + 1, on_replica);
      } catch (...) {
        failed[task] = std::current_exception();
      }
    });
    for (const auto& e : failed)
      if (e) std::rethrow_exception(e);
    if (!on_replica) continue;
    // (A + g_j) + g_j+1: the replica's gradient is its chunk's sums alone (0 + s = s exactly).
    T* g = params.grads().data();
    const T* from = copy.grads().data();
    for (std::size_t e = 0, n = params.size(); e < n; ++e) g[e] += from[e];
  }
}

template <class T>
void DataParallel<T>::reduce(Params<T>& params) {
  if (options_.allreduce && comm_->size() > 1) comm_->all_reduce_sum(params.grads());
}

template class DataParallel<float>;
template class DataParallel<double>;
template bool rank_independent(const nn::Sequential<float>&);
template bool rank_independent(const nn::Sequential<double>&);
template void require_rank_independent(nn::Sequential<float>&);
template void require_rank_independent(nn::Sequential<double>&);

}  // namespace descent::train
