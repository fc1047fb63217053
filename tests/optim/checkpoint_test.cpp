#include "descent/optim/checkpoint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>

#include "descent/core/atomic_file.hpp"
#include "descent/optim/factory.hpp"
#include "descent/optim/newton.hpp"
#include "support/golden.hpp"

namespace descent::optim {
namespace {

using descent::test::same_bits;

using ::testing::HasSubstr;

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("descent_checkpoint_" + std::to_string(::getpid())) / name;
}

/// Two groups, three tensors, declared out of group order so the arena reorders them.
template <class T>
void declare(Params<T>& p, Shape w_shape = {3, 4}, std::size_t b_group = 1) {
  p.add("w", w_shape, 0);
  p.add("b", {5}, b_group);
  p.add("c", {2}, 0);
  p.allocate();
  for (std::size_t i = 0; i < p.size(); ++i) p.values()[i] = T(0.3) * T(i % 7) - T(0.8);
}

/// The closure of f(p) = sum_i 0.5*a_i*p_i^2 + 0.1*p_i^4 - b_i*p_i, a_i = 1 + i/4, b_i = sin(i):
/// gradient a_i*p_i + 0.4*p_i^3 - b_i.
template <class T>
Closure objective(Params<T>& p) {
  return [&p] {
    double loss = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const T x = p.values()[i], a = T(1) + T(i) / T(4), b = T(std::sin(double(i)));
      p.grads()[i] = a * x + T(0.4) * x * x * x - b;
      loss += double(T(0.5) * a * x * x + T(0.1) * x * x * x * x - b * x);
    }
    return loss;
  };
}

/// Newton's method needs the Hessian of the same objective: diagonal, a_i + 1.2*p_i^2.
template <class T>
void attach_hessian(Optimizer<T>& opt, Params<T>& p) {
  if (auto* newton = dynamic_cast<Newton<T>*>(&opt))
    newton->set_hessian([&p](std::span<double> h) {
      const std::size_t n = p.size();
      std::fill(h.begin(), h.end(), 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        const double x = p.values()[i];
        h[i * n + i] = 1 + double(i) / 4 + 1.2 * x * x;
      }
    });
}

/// Runs `spec` for 4 steps, saves, runs 4 more; a fresh optimizer loaded from the file and run 4
/// steps must end with the same bits (parameters and every state buffer).
template <class T>
void expect_bit_identical_resume(const nlohmann::json& spec, std::size_t b_group = 1) {
  SCOPED_TRACE(spec.dump());
  const auto path = temp_file(spec["name"].get<std::string>() + ".safetensors");
  Params<T> p1;
  declare(p1, {3, 4}, b_group);
  auto a = make<T>(p1, spec);
  attach_hessian(*a, p1);
  auto f1 = objective(p1);
  for (int k = 0; k < 4; ++k) a->step(f1);
  save_checkpoint(*a, path);
  for (int k = 0; k < 4; ++k) a->step(f1);

  Params<T> p2;
  declare(p2, {3, 4}, b_group);
  auto b = make<T>(p2, spec);
  attach_hessian(*b, p2);
  b->step(objective(p2));  // state to be overwritten by the load
  load_checkpoint(*b, path);
  auto f2 = objective(p2);
  for (int k = 0; k < 4; ++k) b->step(f2);
  std::filesystem::remove(path);

  EXPECT_TRUE(same_bits<T>(p1.values(), p2.values())) << "parameters differ";
  const auto s1 = a->state_dict(), s2 = b->state_dict();
  EXPECT_EQ(s1.groups, s2.groups);
  ASSERT_EQ(s1.buffers.size(), s2.buffers.size());
  for (std::size_t k = 0; k < s1.buffers.size(); ++k)
    EXPECT_TRUE(same_bits<T>(s1.buffers[k].second, s2.buffers[k].second))
        << "state " << s1.buffers[k].first << " differs";
  // The run must have moved: a resume that restored nothing would not be tested.
  Params<T> p0;
  declare(p0, {3, 4}, b_group);
  EXPECT_FALSE(same_bits<T>(p0.values(), p1.values()));
}

TEST(Checkpoint, SgdMomentumAndAdamResumeBitIdentically) {
  for (const char* spec : {R"({"name":"sgd","lr":0.05,"momentum":0.9,"nesterov":true,
                               "groups":[{},{"lr":0.02,"weight_decay":0.1}]})",
                           R"({"name":"adam","lr":0.01,"amsgrad":true,
                               "groups":[{},{"betas":[0.8,0.99]}]})"}) {
    expect_bit_identical_resume<double>(parse_spec(spec));
    expect_bit_identical_resume<float>(parse_spec(spec));
  }
}

/// Every registered optimizer, with two parameter groups of different lr, or with one group for
/// those that allow only one (L-BFGS, as torch's).
TEST(Checkpoint, EveryRegisteredOptimizerResumesBitIdentically) {
  for (const auto& info : registry()) {
    nlohmann::json spec{{"name", info.name},
                        {"groups", {nlohmann::json::object(), {{"lr", 0.02}}}}};
    std::size_t b_group = 1;
    try {
      Params<double> p;
      declare(p);
      make<double>(p, spec);
    } catch (const ConfigError& e) {
      ASSERT_THAT(e.what(), HasSubstr("one parameter group"));
      spec = {{"name", info.name}, {"lr", 0.02}};
      b_group = 0;
    }
    expect_bit_identical_resume<double>(spec, b_group);
    expect_bit_identical_resume<float>(spec, b_group);
  }
}

std::string load_error(const std::function<void(Params<double>&)>& declare_other,
                       const std::string& other_spec = R"({"name":"adam"})") {
  const auto path = temp_file("mismatch.safetensors");
  Params<double> p;
  declare(p);
  auto a = make<double>(p, parse_spec(R"({"name":"adam"})"));
  a->step(objective(p));
  save_checkpoint(*a, path);
  Params<double> q;
  declare_other(q);
  auto b = make<double>(q, parse_spec(other_spec));
  const std::vector<double> before(q.values().begin(), q.values().end());
  const auto state_before = b->state_dict();
  std::string message;
  try {
    load_checkpoint(*b, path);
    ADD_FAILURE() << "mismatched checkpoint loaded";
  } catch (const CheckpointError& e) {
    message = e.what();
    EXPECT_THAT(message, HasSubstr(path.string()));
  }
  // A failed load changes nothing.
  EXPECT_TRUE(same_bits<double>(before, q.values()));
  EXPECT_EQ(state_before.groups, b->state_dict().groups);
  std::filesystem::remove(path);
  return message;
}

TEST(Checkpoint, MismatchesAreNamed) {
  EXPECT_THAT(load_error([](auto& q) { declare(q); }, R"({"name":"sgd"})"),
              HasSubstr("checkpoint holds the state of 'adam', the optimizer is 'sgd'"));
  EXPECT_THAT(load_error([](auto& q) {
                declare(q, {4, 3});
              }),
              HasSubstr("tensor 'w' has shape [3,4] in the checkpoint, [4,3] in the model"));
  EXPECT_THAT(load_error([](auto& q) {
                q.add("w", {3, 4}, 0);
                q.add("b", {5}, 0);
                q.add("c", {2}, 1);
                q.allocate();
              }),
              HasSubstr("tensor 1 is 'c' in the checkpoint, 'b' in the model"));
  EXPECT_THAT(load_error([](auto& q) {
                q.add("w", {3, 4}, 0);
                q.add("c", {2}, 1);
                q.add("b", {5}, 1);
                q.allocate();
              }),
              HasSubstr("tensor 'c' is in parameter group 0 in the checkpoint, 1 in the model"));
  EXPECT_THAT(load_error([](auto& q) {
                q.add("w", {3, 4}, 0);
                q.add("c", {2}, 0);
                q.allocate();
              }),
              HasSubstr("checkpoint tensor 'b' (shape [5], group 1) is not in the model"));
  EXPECT_THAT(load_error([](auto& q) {
                q.add("w", {3, 4}, 0);
                q.add("c", {2}, 0);
                q.add("b", {5}, 1);
                q.add("extra", {1}, 1);
                q.allocate();
              }),
              HasSubstr("the model's tensor 'extra' is not in the checkpoint"));
}

/// A tensor of a forged checkpoint: name, shape and values (F64, or F32 when `as_float`).
struct ForgedTensor {
  std::string name;
  Shape shape;
  std::vector<double> data;
  bool as_float = false;
};

/// A checkpoint of adam on declare() rewritten by `forge` (the "params" JSON, the other metadata,
/// the tensors) and written with fresh checksums, so only the loader's own checks can refuse it.
void write_forged(const std::filesystem::path& path,
                  const std::function<void(nlohmann::json&, std::map<std::string, std::string>&,
                                           std::vector<ForgedTensor>&)>& forge) {
  Params<double> p;
  declare(p);
  auto a = make<double>(p, parse_spec(R"({"name":"adam"})"));
  a->step(objective(p));
  save_checkpoint(*a, path);
  const auto file = SafetensorsFile::read(path);
  std::vector<ForgedTensor> tensors;
  for (const TensorInfo& t : file.tensors())
    tensors.push_back({t.name, t.shape, file.get<double>(t.name)});
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : file.metadata())
    if (!key.starts_with("descent.")) metadata[key] = value;
  nlohmann::json params = nlohmann::json::parse(metadata.at("params"));
  forge(params, metadata, tensors);
  metadata["params"] = params.dump();
  SafetensorsWriter w;
  for (const ForgedTensor& t : tensors) {
    if (t.as_float)
      w.add<float>(t.name, std::vector<float>(t.data.begin(), t.data.end()), t.shape);
    else
      w.add<double>(t.name, t.data, t.shape);
  }
  for (const auto& [key, value] : metadata) w.set_metadata(key, value);
  w.write(path);
}

std::vector<ForgedTensor>::iterator find_tensor(std::vector<ForgedTensor>& tensors,
                                                const std::string& name) {
  return std::find_if(tensors.begin(), tensors.end(), [&](auto& t) { return t.name == name; });
}

struct Forgery {
  std::string name;
  std::function<void(nlohmann::json&, std::map<std::string, std::string>&,
                     std::vector<ForgedTensor>&)>
      forge;
  std::string message;
};

// R10 (issue 19): every field of the "params" layout (arena order w, c, b) and every optimizer
// tensor of a crafted checkpoint with valid checksums is checked before anything is restored: a
// CheckpointError naming the entry and the file, never a JSON library exception, and the optimizer
// is left as it was.
TEST(Checkpoint, CraftedLayoutsAndTensorsAreRefusedFieldByField) {
  using J = nlohmann::json;
  using M = std::map<std::string, std::string>;
  using V = std::vector<ForgedTensor>;
  const std::vector<Forgery> forgeries = {
      {"params not an array", [](J& p, M&, V&) { p = J::object(); },
       "metadata 'params' is not an array"},
      {"entry not an object", [](J& p, M&, V&) { p[1] = 3; },
       "metadata 'params' entry 1 is not an object"},
      {"numeric name", [](J& p, M&, V&) { p[0]["name"] = 5; },
       "entry 0 needs a non-empty string 'name'"},
      {"no name", [](J& p, M&, V&) { p[0].erase("name"); },
       "entry 0 needs a non-empty string 'name'"},
      {"empty name", [](J& p, M&, V&) { p[0]["name"] = ""; },
       "entry 0 needs a non-empty string 'name'"},
      {"shape not an array", [](J& p, M&, V&) { p[0]["shape"] = "3x4"; },
       "entry 0 needs a 'shape' array"},
      {"negative extent",
       [](J& p, M&, V&) {
         p[0]["shape"] = {3, -4};
       },
       "entry 0 has a 'shape' entry that is not an integer >= 0"},
      {"fractional extent",
       [](J& p, M&, V&) {
         p[0]["shape"] = {3, 4.5};
       },
       "entry 0 has a 'shape' entry that is not an integer >= 0"},
      {"negative group", [](J& p, M&, V&) { p[2]["group"] = -1; },
       "entry 2 needs a 'group' that is an integer >= 0"},
      {"group 1e308", [](J& p, M&, V&) { p[2]["group"] = 1e308; },
       "entry 2 needs a 'group' that is an integer >= 0"},
      {"unknown field", [](J& p, M&, V&) { p[0]["dtype"] = "F64"; },
       "entry 0 has an unknown field 'dtype'"},
      {"repeated name", [](J& p, M&, V&) { p[1]["name"] = "w"; }, "entry 1 repeats the name 'w'"},
      {"tensor of another shape", [](J&, M&, V& t) { find_tensor(t, "param/w")->shape = {12}; },
       "tensor 'param/w' has shape [12], its parameter has [3,4]"},
      {"state of another shape",
       [](J&, M&, V& t) {
         find_tensor(t, "state/exp_avg/w")->shape = {4, 3};
       },
       "tensor 'state/exp_avg/w' has shape [4,3], its parameter has [3,4]"},
      {"unexpected tensor",
       [](J&, M&, V& t) {
         t.push_back({"param/zz", {1}, {0.5}});
       },
       "tensor 'param/zz' is not part of the optimizer's state"},
      {"missing state tensor", [](J&, M&, V& t) { t.erase(find_tensor(t, "state/exp_avg_sq/c")); },
       "tensor 'state/exp_avg_sq/c' is missing"},
      {"tensor of another dtype", [](J&, M&, V& t) { find_tensor(t, "param/b")->as_float = true; },
       "tensor 'param/b' holds F32 values, the checkpoint says F64"},
      {"buffer named twice",
       [](J&, M& m, V&) { m["optimizer.buffers"] = R"(["exp_avg","exp_avg"])"; },
       "metadata 'optimizer.buffers' names 'exp_avg' twice"},
      {"step count 1e308",
       [](J&, M& m, V&) {
         J groups = J::parse(m["optimizer.groups"]);
         groups[1]["step"] = 1e308;
         m["optimizer.groups"] = groups.dump();
       },
       "optimizer.groups[1].step: the step count 1e+308 is not an integer >= 0"},
      {"negative step count",
       [](J&, M& m, V&) {
         J groups = J::parse(m["optimizer.groups"]);
         groups[0]["step"] = -1;
         m["optimizer.groups"] = groups.dump();
       },
       "the step count -1 is not an integer >= 0"},
      {"buffer not a string", [](J&, M& m, V&) { m["optimizer.buffers"] = R"(["exp_avg",7])"; },
       "metadata 'optimizer.buffers' holds a non-string"},
  };
  const auto path = temp_file("forged.safetensors");
  for (const Forgery& f : forgeries) {
    SCOPED_TRACE(f.name);
    write_forged(path, f.forge);
    Params<double> q;
    declare(q);
    auto b = make<double>(q, parse_spec(R"({"name":"adam"})"));
    const std::vector<double> before(q.values().begin(), q.values().end());
    EXPECT_THAT([&] { load_checkpoint(*b, path); },
                testing::ThrowsMessage<CheckpointError>(
                    testing::AllOf(HasSubstr(f.message), HasSubstr(path.string()))));
    EXPECT_TRUE(same_bits<double>(before, q.values()));
  }
  // The unforged rewrite loads: the refusals above come from the forged field alone.
  write_forged(path, [](J&, M&, V&) {});
  Params<double> q;
  declare(q);
  auto b = make<double>(q, parse_spec(R"({"name":"adam"})"));
  EXPECT_NO_THROW(load_checkpoint(*b, path));
  std::filesystem::remove(path);
}

TEST(Checkpoint, ScalarTypeMismatchAndCorruptionAreRejected) {
  const auto path = temp_file("dtype.safetensors");
  Params<float> p;
  declare(p);
  auto a = make<float>(p, parse_spec("sgd"));
  save_checkpoint(*a, path);
  Params<double> q;
  declare(q);
  auto b = make<double>(q, parse_spec("sgd"));
  EXPECT_THAT([&] { load_checkpoint(*b, path); },
              testing::ThrowsMessage<CheckpointError>(
                  HasSubstr("checkpoint holds F32 values, the optimizer uses F64")));
  std::string bytes = read_file(path);
  bytes[bytes.size() - 3] ^= 0x10;
  write_file_atomic(path, bytes);
  EXPECT_THAT([&] { load_checkpoint(*a, path); },
              testing::ThrowsMessage<CheckpointError>(HasSubstr("data checksum mismatch")));
  std::filesystem::remove(path);
}

TEST(Checkpoint, FileHoldsNamedTensorsAndMetadata) {
  const auto path = temp_file("layout.safetensors");
  Params<double> p;
  declare(p);
  auto a = make<double>(p, parse_spec(R"({"name":"sgd","momentum":0.9})"));
  a->step(objective(p));
  save_checkpoint(*a, path);
  const auto file = SafetensorsFile::read(path);
  std::filesystem::remove(path);
  EXPECT_EQ(file.info("param/w").shape, (Shape{3, 4}));
  EXPECT_EQ(file.get<double>("param/b"),
            std::vector<double>(p.tensor("b").value.begin(), p.tensor("b").value.end()));
  EXPECT_EQ(file.info("state/momentum_buffer/c").shape, Shape{2});
  EXPECT_EQ(file.metadata("optimizer"), "sgd");
  const auto groups = nlohmann::json::parse(file.metadata("optimizer.groups"));
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1]["step"], 1);
  EXPECT_EQ(groups[0]["momentum"], 0.9);
}

// Adam keeps max_exp_avg_sq only with amsgrad: a checkpoint without amsgrad has no such tensors and
// resumes bit-identically; one with amsgrad in one group has them and restores them into an Adam
// built without amsgrad (the file's options turn it on).
TEST(Checkpoint, AdamWithAndWithoutAmsgradRoundTrips) {
  const auto plain = parse_spec(R"({"name":"adam","lr":0.01})");
  const auto ams = parse_spec(R"({"name":"adam","lr":0.01,"groups":[{},{"amsgrad":true}]})");
  expect_bit_identical_resume<double>(plain);
  expect_bit_identical_resume<float>(plain);
  expect_bit_identical_resume<double>(ams);
  expect_bit_identical_resume<float>(ams);

  const auto path = temp_file("amsgrad.safetensors");
  for (const auto& spec : {plain, ams}) {
    SCOPED_TRACE(spec.dump());
    Params<double> p;
    declare(p);
    auto a = make<double>(p, spec);
    for (int k = 0; k < 3; ++k) a->step(objective(p));
    save_checkpoint(*a, path);
    const bool amsgrad = spec.contains("groups");
    const auto file = SafetensorsFile::read(path);
    EXPECT_TRUE(file.contains("state/exp_avg_sq/w"));
    EXPECT_EQ(file.contains("state/max_exp_avg_sq/w"), amsgrad);
    EXPECT_EQ(nlohmann::json::parse(file.metadata("optimizer.buffers")).size(), amsgrad ? 3u : 2u);

    Params<double> q;
    declare(q);
    auto b = make<double>(q, parse_spec(R"({"name":"adam"})"));
    load_checkpoint(*b, path);
    const auto sa = a->state_dict(), sb = b->state_dict();
    EXPECT_EQ(sa.groups, sb.groups);
    ASSERT_EQ(sb.buffers.size(), amsgrad ? 3u : 2u);
    for (std::size_t k = 0; k < sa.buffers.size(); ++k)
      EXPECT_TRUE(same_bits<double>(sa.buffers[k].second, sb.buffers[k].second));
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace descent::optim
