// CSV reading speed and memory, with the raw read of the same file as the ceiling in the same run:
//   build/dev/bench/csv_bench [--benchmark_filter=...]
// The file (DESCENT_CSV_BENCH_MB megabytes, default 100: 20 float features and an integer class
// per row) is generated once in the temp dir and removed at exit; DESCENT_CSV_BENCH_FILE reads an
// existing file instead (its target column is "label"; bench/csv_ingest.py uses this). Counters:
// MB/s (bytes_per_second), rows, the float matrix size and the process's peak resident memory.
// The reader parses on all threads (OMP_NUM_THREADS), so its rate is per wall-clock second; the
// single-threaded ceiling is per CPU second.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "descent/core/random.hpp"
#include "descent/data/batch_iterator.hpp"
#include "descent/data/csv_reader.hpp"

namespace {

using namespace descent::data;
using descent::Rng;
using descent::standard_normal;
using descent::uniform_below;

constexpr int kFeatures = 20;

/// The generated file, written in pieces (never held in memory whole).
class BenchFile {
 public:
  BenchFile() {
    if (const char* given = std::getenv("DESCENT_CSV_BENCH_FILE")) {
      path_ = given;
      bytes_ = std::filesystem::file_size(path_);
      owned_ = false;
      return;
    }
    const char* env = std::getenv("DESCENT_CSV_BENCH_MB");
    const double megabytes = env ? std::atof(env) : 100.0;
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("descent-csv-bench-{}.csv", ::getpid());
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    std::string chunk;
    for (int c = 0; c < kFeatures; ++c) chunk += fmt::format("f{},", c);
    chunk += "label\n";
    Rng rng(1);
    std::size_t written = 0;
    while (static_cast<double>(written) < megabytes * 1e6) {
      for (int c = 0; c < kFeatures; ++c) {
        fmt::format_to(std::back_inserter(chunk), "{},", static_cast<float>(standard_normal(rng)));
      }
      fmt::format_to(std::back_inserter(chunk), "{}\n", uniform_below(rng, 10));
      if (chunk.size() > (1 << 20)) {
        written += std::fwrite(chunk.data(), 1, chunk.size(), f);
        chunk.clear();
      }
    }
    written += std::fwrite(chunk.data(), 1, chunk.size(), f);
    std::fclose(f);
    bytes_ = written;
  }
  ~BenchFile() {
    if (owned_) std::filesystem::remove(path_);
  }
  const std::filesystem::path& path() const { return path_; }
  std::size_t bytes() const { return bytes_; }

 private:
  std::filesystem::path path_;
  std::size_t bytes_ = 0;
  bool owned_ = true;
};

const BenchFile& bench_file() {
  static const BenchFile file;
  return file;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

/// Ceiling: read the file in 1 MiB blocks and count its lines.
void BM_RawReadAndCountLines(benchmark::State& state) {
  const BenchFile& file = bench_file();
  std::vector<char> block(1 << 20);
  for (auto _ : state) {
    std::FILE* f = std::fopen(file.path().c_str(), "rb");
    std::size_t lines = 0;
    for (std::size_t n; (n = std::fread(block.data(), 1, block.size(), f)) > 0;) {
      lines += static_cast<std::size_t>(std::count(block.data(), block.data() + n, '\n'));
    }
    std::fclose(f);
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file.bytes()));
}
BENCHMARK(BM_RawReadAndCountLines)->Unit(benchmark::kMillisecond);

void BM_ReadCsv(benchmark::State& state) {
  const BenchFile& file = bench_file();
  std::size_t rows = 0, matrix_bytes = 0;
  for (auto _ : state) {
    Dataset d = read_csv(file.path(), {.target = "label"});
    rows = d.rows();
    matrix_bytes = static_cast<std::size_t>(d.x.size()) * sizeof(float);
    benchmark::DoNotOptimize(d.x.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * file.bytes()));
  state.counters["file_MB"] = static_cast<double>(file.bytes()) / 1e6;
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["matrix_MB"] = static_cast<double>(matrix_bytes) / 1e6;
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_ReadCsv)->Unit(benchmark::kMillisecond)->UseRealTime();

/// A 10-row file, as a fuzzer or a test reads thousands of: the cost of a call, not of the bytes
/// (buffers are sized to the input; it once allocated and zeroed 2 MB per call).
void BM_ReadSmallCsv(benchmark::State& state) {
  const auto path = std::filesystem::temp_directory_path() /
                    fmt::format("descent-csv-bench-small-{}.csv", ::getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("a,b,label\n", f);
  for (int r = 0; r < 10; ++r) std::fprintf(f, "%d,0.%d,%d\n", r, r, r % 2);
  std::fclose(f);
  for (auto _ : state) {
    Dataset d = read_csv(path, {.target = "label"});
    benchmark::DoNotOptimize(d.x.data());
  }
  std::filesystem::remove(path);
}
BENCHMARK(BM_ReadSmallCsv)->Unit(benchmark::kMicrosecond);

/// One epoch of shuffled mini-batches of 128 rows of 784 floats (Fashion-MNIST-sized rows).
void BM_ShuffledBatchesEpoch(benchmark::State& state) {
  Dataset d;
  d.x = Matrix::Ones(10000, 784);
  d.y = Vector::Zero(10000);
  d.feature_names.resize(784);
  BatchIterator it(d, {.batch_size = 128, .seed = 1});
  std::uint64_t epoch = 0;
  for (auto _ : state) {
    it.start_epoch(epoch++);
    while (auto batch = it.next()) benchmark::DoNotOptimize(batch->x_data);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.x.size() * 4));
}
BENCHMARK(BM_ShuffledBatchesEpoch)->Unit(benchmark::kMillisecond);

}  // namespace
