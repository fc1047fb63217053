// Bad input to the CLI (issue 19), table-driven: each case writes its input files into a fresh
// directory, runs `descent`, and expects exit code 2, one error line holding a fragment (the file,
// line or key at fault) and the directory exactly as it was: no output file, nothing overwritten.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "descent/core/atomic_file.hpp"
#include "descent/core/safetensors.hpp"
#include "support/cli.hpp"

namespace fs = std::filesystem;
using descent::read_file;
using descent::write_file_atomic;
using descent::test::run_cli;

namespace {

/// Every file under `root` with its content.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    files[fs::relative(e.path(), root).string()] = e.is_regular_file() ? read_file(e.path()) : "/";
  return files;
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// A two-class CSV of `rows` rows: x,label with labels a / b.
std::string two_class_csv(const std::string& header, const std::string& b_label, int rows = 40) {
  std::string csv = header + "\n";
  for (int i = 0; i < rows; ++i)
    csv += std::to_string(i % 2 ? i : -i) + "," + (i % 2 ? b_label : "a") + "\n";
  return csv;
}

/// A big-endian 32-bit integer as 4 bytes.
std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

/// A one-epoch run in `dir`/run whose checkpoint is then rewritten with `forge` applied to its
/// metadata, with valid checksums (the writer computes them): only the loader's checks can refuse
/// it.
void forged_run(const fs::path& dir,
                const std::function<void(std::map<std::string, std::string>&)>& forge) {
  const fs::path run = dir / "run";
  const auto r = run_cli(
      "train --data synthetic:blobs --samples 60 --model mlp:4 --epochs 1 --progress none --out " +
      run.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto file = descent::SafetensorsFile::read(run / "checkpoint.safetensors");
  descent::SafetensorsWriter w;
  for (const auto& t : file.tensors()) w.add<float>(t.name, file.get<float>(t.name), t.shape);
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : file.metadata())
    if (!key.starts_with("descent.")) metadata[key] = value;
  forge(metadata);
  for (const auto& [key, value] : metadata) w.set_metadata(key, value);
  w.write(run / "checkpoint.safetensors");
}

/// forge for forged_run: sets `path` (a JSON pointer) in the JSON of metadata `key` to `value`.
std::function<void(std::map<std::string, std::string>&)> set_json(std::string key,
                                                                  std::string pointer,
                                                                  nlohmann::json value) {
  return [=](std::map<std::string, std::string>& m) {
    auto j = nlohmann::json::parse(m.at(key));
    j[nlohmann::json::json_pointer(pointer)] = value;
    m[key] = j.dump();
  };
}

struct BadInput {
  std::string name;
  std::function<void(const fs::path&)> setup;  // writes the input files into the directory
  std::string args;                            // "{dir}" is replaced by the directory
  std::vector<std::string> fragments;          // each must appear in the error line
};

/// Test names and failure messages show the case's name, not its bytes.
void PrintTo(const BadInput& c, std::ostream* os) {
  *os << c.name;
}

const std::string kBlobs =
    "train --data synthetic:blobs --samples 120 --model mlp:4 --epochs 1 --progress none";
const auto kNothing = [](const fs::path&) {};

const std::vector<BadInput> kCases = {
    // R1: errors that depend on the data or on the whole config, found before any output.
    {"monitor_typo",
     kNothing,
     kBlobs + " --monitor val_acc --early-stopping 2 --out {dir}/run",
     {"train.monitor", "val_accuracy"}},
    {"mse_on_class_ids", kNothing, kBlobs + " --loss mse --out {dir}/run", {"model.loss", "mse"}},
    {"lbfgs_on_batches",
     kNothing,
     kBlobs + " --optimizer lbfgs --out {dir}/run",
     {"train.batch_size", "lbfgs", "whole training split", "--batch-size 0"}},
    {"newton_on_batches",
     kNothing,
     kBlobs + " --optimizer newton --out {dir}/run",
     {"train.batch_size", "newton"}},
    {"lbfgs_with_dropout",
     kNothing,
     kBlobs + " --optimizer lbfgs --batch-size 0 --set model.dropout=0.2 --out {dir}/run",
     {"model.dropout", "lbfgs"}},
    {"newton_hessian_too_large",
     kNothing,
     "train --data synthetic:blobs --samples 120 --model mlp:60000 --epochs 1 --progress none "
     "--optimizer newton --batch-size 0 --out {dir}/run",
     {"optimizer.name", "Hessian", "lbfgs"}},
    // R2: text that is not UTF-8, refused with file, line and column.
    {"latin1_label",
     [](const fs::path& d) {
       write_file_atomic(d / "data.csv", two_class_csv("x,label", "caf\xe9"));
     },
     "train --data {dir}/data.csv --target label --epochs 1 --progress none --out {dir}/run",
     {"data.csv:3:", "not UTF-8", "label"}},
    {"latin1_column_name",
     [](const fs::path& d) {
       write_file_atomic(d / "data.csv", two_class_csv("caf\xe9,label", "b"));
     },
     "train --data {dir}/data.csv --target label --epochs 1 --progress none --out {dir}/run",
     {"data.csv:1:", "not UTF-8"}},
    // R3: a JSON value of the wrong type names its key.
    {"trace_optimizer_without_name",
     kNothing,
     "trace --function rosenbrock --steps 3 --optimizer '{\"lr\":0.1}' --csv {dir}/path.csv",
     {"--optimizer", "needs a \"name\""}},
    {"trace_numeric_optimizer_name",
     kNothing,
     "trace --function rosenbrock --steps 3 --optimizer '{\"name\":5}' --csv {dir}/path.csv",
     {"--optimizer", "needs a \"name\""}},
    // R9: non-finite option values are refused when they are read (core/options.hpp), from a
    // flag, --set or a config file.
    {"clip_norm_inf",
     kNothing,
     kBlobs + " --clip-norm inf --out {dir}/run",
     {"--clip-norm", "train.clip_norm", "finite"}},
    {"param_tol_nan_by_set",
     kNothing,
     kBlobs + " --set train.param_tol=nan --out {dir}/run",
     {"--set", "train.param_tol", "finite"}},
    {"min_delta_inf_in_toml",
     [](const fs::path& d) { write_file_atomic(d / "run.toml", "[train]\nmin_delta = inf\n"); },
     kBlobs + " {dir}/run.toml --out {dir}/run",
     {"run.toml:2", "train.min_delta", "finite"}},
    // R4: sizes checked against the file and the machine's memory before allocating.
    {"synthetic_samples_beyond_memory",
     kNothing,
     "train --data synthetic:blobs --samples 1000000000000 --progress none --out {dir}/run",
     {"data.samples", "would need", "memory"}},
    {"model_beyond_memory",
     kNothing,
     "train --data synthetic:blobs --model mlp:100000000 --progress none --out {dir}/run",
     {"model.spec", "would need", "memory"}},
    {"idx_header_beyond_file",
     [](const fs::path& d) {
       std::string images = be32(0x803) + be32(200) + be32(65536) + be32(65536);
       images += std::string(300, '\x7f');
       write_file_atomic(d / "idx" / "train-images-idx3-ubyte", images);
       write_file_atomic(d / "idx" / "train-labels-idx1-ubyte",
                         be32(0x801) + be32(200) + std::string(200, '\1'));
     },
     "train --data {dir}/idx --progress none --out {dir}/run",
     {"train-images-idx3-ubyte", "truncated IDX file", "200 x 65536 x 65536"}},
    {"wide_header_then_blank_lines",
     [](const fs::path& d) {
       std::string csv;
       for (int c = 0; c < 10000; ++c) csv.append("x").append(std::to_string(c)).append(",");
       csv += "y\n";
       csv.append(2'000'000, '\n');
       write_file_atomic(d / "wide.csv", csv);
     },
     "train --data {dir}/wide.csv --target y --progress none --out {dir}/run",
     {"wide.csv", "no data rows"}},
    // R7: a classifier needs two classes.
    {"single_class_target",
     [](const fs::path& d) { write_file_atomic(d / "one.csv", two_class_csv("x,label", "a")); },
     "train --data {dir}/one.csv --target label --epochs 1 --progress none --out {dir}/run",
     {"one.csv", "single class", "'a'"}},
    // R6: a class per row is not a classification task (and costs classes^2 in the report).
    {"a_class_per_row",
     [](const fs::path& d) {
       std::string csv = "x,id\n";
       for (int i = 0; i < 3000; ++i)
         csv.append(std::to_string(i)).append(",row").append(std::to_string(i)).append("\n");
       write_file_atomic(d / "ids.csv", csv);
     },
     "train --data {dir}/ids.csv --target id --epochs 1 --progress none --out {dir}/run",
     {"ids.csv", "3000 classes in 3000 rows"}},
    // R10: a crafted checkpoint with valid checksums is refused field by field on --resume.
    {"checkpoint_params_entry_not_an_object",
     [](const fs::path& d) { forged_run(d, set_json("params", "/0", 3)); },
     "train --resume {dir}/run --epochs 2 --progress none",
     {"checkpoint.safetensors", "metadata 'params' entry 0 is not an object"}},
    {"checkpoint_params_shape_negative",
     [](const fs::path& d) { forged_run(d, set_json("params", "/1/shape/0", -4)); },
     "train --resume {dir}/run --epochs 2 --progress none",
     {"checkpoint.safetensors", "entry 1 has a 'shape' entry that is not an integer >= 0"}},
    {"checkpoint_epoch_1e308",
     [](const fs::path& d) { forged_run(d, set_json("trainer", "/epoch", 1e308)); },
     "train --resume {dir}/run --epochs 2 --progress none",
     {"trainer.epoch"}},
    {"checkpoint_step_count_1e308",
     [](const fs::path& d) { forged_run(d, set_json("optimizer.groups", "/0/step", 1e308)); },
     "train --resume {dir}/run --epochs 2 --progress none",
     {"checkpoint.safetensors", "optimizer.groups[0].step", "not an integer >= 0"}},
    // R5: --steps has a maximum; the rows are streamed.
    {"schedule_steps_beyond_maximum",
     kNothing,
     "schedule '{\"name\":\"cosine\",\"T_max\":10}' --lr 0.1 --steps 1000000000 --csv "
     "{dir}/lr.csv",
     {"--steps", "10000000"}},
};

class BadInputTable : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTable, RefusedInOneLineLeavingTheDirectoryAsItWas) {
  const BadInput& c = GetParam();
  const fs::path dir = descent::test::scratch_dir();
  c.setup(dir);
  const auto before = snapshot(dir);
  std::string args = c.args;
  for (std::size_t at; (at = args.find("{dir}")) != std::string::npos;)
    args.replace(at, 5, dir.string());
  const auto r = run_cli(args);
  EXPECT_EQ(r.code, 2) << r.err << r.out;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("descent: error: ", 0), 0u) << r.err;
  for (const auto& fragment : c.fragments)
    EXPECT_NE(r.err.find(fragment), std::string::npos) << "no '" << fragment << "' in " << r.err;
  EXPECT_EQ(snapshot(dir), before) << "the command left or changed files";
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Cli, BadInputTable, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

// R1 on an existing run: --force with a bad option must not overwrite the run's config.toml
// (which would make it impossible to resume).
TEST(BadInputExistingRun, ABadOptionLeavesTheEarlierRunResumable) {
  const fs::path dir = descent::test::scratch_dir();
  const std::string out = " --out " + (dir / "run").string();
  ASSERT_EQ(run_cli(kBlobs + out).code, 0);
  const auto before = snapshot(dir);
  for (const std::string bad : {" --loss mse", " --optimizer lbfgs", " --optimizer newton"}) {
    const auto r = run_cli(kBlobs + " --force" + bad + out);
    EXPECT_EQ(r.code, 2) << bad << ": " << r.err;
    EXPECT_EQ(snapshot(dir), before) << bad << " changed the earlier run";
  }
  const auto resumed =
      run_cli("train --epochs 2 --progress none --resume " + (dir / "run").string());
  EXPECT_EQ(resumed.code, 0) << resumed.err;
  fs::remove_all(dir);
}

// R11: an empty --out is refused, not taken as the current directory.
TEST(BadInputEmptyOut, IsRefusedAndWritesNothingInTheCurrentDirectory) {
  const fs::path dir = descent::test::scratch_dir();
  const std::string command = "cd " + dir.string() + " && " + DESCENT_CLI_PATH +
                              " train --data synthetic:blobs --samples 60 --model linear "
                              "--epochs 1 --progress none --out '' >out.txt 2>err.txt";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  const std::string err = read_file(dir / "err.txt");
  EXPECT_NE(err.find("output.dir"), std::string::npos) << err;
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"err.txt", "out.txt"}));
  fs::remove_all(dir);
}

// R8: output that cannot be written is a failure (exit 1, a message on stderr), not silence.
TEST(BadInputLostStdout, AFullStdoutIsAnError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  const fs::path dir = descent::test::scratch_dir();
  const std::string command = std::string(DESCENT_CLI_PATH) +
                              " schedule '{\"name\":\"cosine\",\"T_max\":10}' --lr 0.1 --steps 10"
                              " >/dev/full 2>" +
                              (dir / "err").string();
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string err = read_file(dir / "err");
  EXPECT_NE(err.find("standard output"), std::string::npos) << err;
  fs::remove_all(dir);
}

}  // namespace
