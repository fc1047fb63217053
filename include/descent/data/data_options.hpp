#pragma once
// The [data] section of a run: where the rows come from and how they are split and scaled.
#include <cstdint>
#include <string>

#include "descent/core/options.hpp"

namespace descent::data {

struct DataOptions {
  std::string path;
  std::string target;
  std::string task = "auto";
  std::string ignore;
  std::string delimiter = "auto";
  std::string test;
  double val_split = 0.1;
  double test_split = 0.0;
  std::string scale = "standardize";
  std::string scale_target = "standardize";
  std::int64_t samples = 1000;
  double noise = 0.1;

  template <class V>
  void visit(V&& v) {
    v("path", path, "CSV file, IDX directory, fashion-mnist, or synthetic:linear|blobs|spirals");
    v("target", target, "CSV: name of the target column");
    v("task", task, "auto | classification | regression",
      options::one_of({"auto", "classification", "regression"}));
    v("ignore", ignore, "CSV: comma-separated columns to skip");
    v("delimiter", delimiter, "CSV field separator: auto | one character | tab");
    v("test", test, "CSV: a separate test file, scored at the end");
    v("val_split", val_split, "fraction of the training rows held out for validation",
      options::half_open(0, 1));
    v("test_split", test_split, "fraction held out for testing (data without its own test set)",
      options::half_open(0, 1));
    v("scale", scale, "feature scaling: standardize | minmax | none",
      options::one_of({"standardize", "minmax", "none"}));
    v("scale_target", scale_target,
      "regression: standardize the target for training (fitted on train; metrics stay in the "
      "data's units, the loss is in standardized units) | none",
      options::one_of({"standardize", "none"}));
    v("samples", samples, "synthetic data: number of samples", options::at_least(1));
    v("noise", noise, "synthetic data: noise level", options::at_least(0));
  }
};

}  // namespace descent::data
