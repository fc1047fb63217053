#pragma once
// Progress output of `descent train` as a callback: on a terminal a bar redrawn on stderr (epoch,
// batch, loss, lr, samples/s, ETA), and one line per epoch on stdout (the only output when stdout
// is not a terminal, so logs stay clean).
#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/core.h>
#include <unistd.h>

#include "descent/train/trainer.hpp"

namespace descent::cli {

enum class ProgressStyle { bar, lines, none };

/// "auto" (bar on a terminal, else lines), "bar", "lines", "none".
ProgressStyle parse_progress(const std::string& text);

template <class T>
class Progress final : public train::Callback<T> {
 public:
  explicit Progress(ProgressStyle style) : style_(style) {}
  std::string name() const override { return "progress"; }
  void on_epoch_begin(train::Trainer<T>& trainer) override;
  void on_batch_end(train::Trainer<T>& trainer) override;
  void on_epoch_end(train::Trainer<T>& trainer) override;

 private:
  using Clock = std::chrono::steady_clock;
  ProgressStyle style_;
  Clock::time_point epoch_start_, last_draw_;
  std::size_t samples_ = 0;
};

}  // namespace descent::cli
