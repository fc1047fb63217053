#include "progress.hpp"

#include "descent/core/error.hpp"

namespace descent::cli {

ProgressStyle parse_progress(const std::string& text) {
  if (text == "auto") return isatty(STDERR_FILENO) ? ProgressStyle::bar : ProgressStyle::lines;
  if (text == "bar") return ProgressStyle::bar;
  if (text == "lines") return ProgressStyle::lines;
  if (text == "none") return ProgressStyle::none;
  throw ConfigError("must be auto, bar, lines or none, not '" + text + "'", "output.progress");
}

namespace {
std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}
}  // namespace

template <class T>
void Progress<T>::on_epoch_begin(train::Trainer<T>&) {
  epoch_start_ = last_draw_ = Clock::now();
  samples_ = 0;
}

template <class T>
void Progress<T>::on_batch_end(train::Trainer<T>& trainer) {
  samples_ += trainer.progress().batch_rows;
  if (style_ != ProgressStyle::bar) return;
  const auto now = Clock::now();
  const auto& p = trainer.progress();
  if (now - last_draw_ < std::chrono::milliseconds(100) && p.batch + 1 != p.batches_per_epoch)
    return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - epoch_start_).count();
  const double done = static_cast<double>(p.batch + 1) / static_cast<double>(p.batches_per_epoch);
  const double remaining_epochs = static_cast<double>(trainer.options().epochs - p.epoch - 1);
  const double eta = elapsed / done * (1 - done) + elapsed / done * remaining_epochs;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(done * kWidth);
  fmt::print(stderr,
             "\repoch {}/{} [{}{}] {}/{} loss {:.4f} lr {:.3g} {:.0f} samples/s ETA {}\033[K",
             p.epoch + 1, trainer.options().epochs, std::string(filled, '#'),
             std::string(kWidth - filled, '.'), p.batch + 1, p.batches_per_epoch, p.batch_loss,
             trainer.optimizer().lr(0), elapsed > 0 ? static_cast<double>(samples_) / elapsed : 0.0,
             clock_text(eta));
  std::fflush(stderr);
}

template <class T>
void Progress<T>::on_epoch_end(train::Trainer<T>& trainer) {
  if (style_ == ProgressStyle::none) return;
  if (style_ == ProgressStyle::bar) fmt::print(stderr, "\r\033[K");
  const double elapsed = std::chrono::duration<double>(Clock::now() - epoch_start_).count();
  std::string line = fmt::format("epoch {}/{}", trainer.progress().epoch, trainer.options().epochs);
  for (const auto& [name, value] : trainer.epoch_row().items()) {
    if (name == "epoch" || name == "skipped_steps" || name == "update_ratio") continue;
    line += fmt::format("  {} {:.5g}", name, value);
  }
  if (trainer.progress().skipped_steps)
    line += fmt::format("  skipped {}", trainer.progress().skipped_steps);
  line += fmt::format("  ({:.1f}s, {:.0f} samples/s)", elapsed,
                      elapsed > 0 ? static_cast<double>(samples_) / elapsed : 0.0);
  fmt::print("{}\n", line);
  std::fflush(stdout);
}

template class Progress<float>;
template class Progress<double>;

}  // namespace descent::cli
