#pragma once
// The [output] section of a run: the run directory and what is written to it and to the terminal.
#include <cstdint>
#include <string>

#include "descent/core/options.hpp"

namespace descent::report {

struct OutputOptions {
  std::string dir = "runs/train";
  std::string progress = "auto";
  bool png = false;

  template <class V>
  void visit(V&& v) {
    v("dir", dir, "run directory");
    v("progress", progress, "auto | bar | lines | none",
      options::one_of({"auto", "bar", "lines", "none"}));
    v("png", png, "also write plots/*.png beside the SVGs (gnuplot's pngcairo)");
  }
};

}  // namespace descent::report
