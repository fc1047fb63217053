#pragma once
// Interrupting `descent train` without losing work: while a SignalGuard lives, SIGINT and SIGTERM
// only record the signal (the handler does nothing else, and the default action comes back at
// once, so a second signal ends the process immediately). The StopOnSignal callback then stops
// the trainer at the end of the running epoch: epoch boundaries are where a checkpoint resumes
// bit-identically, so the checkpoint written there continues with `descent train --resume DIR`.
#include <cstdio>
#include <string>

#include <fmt/core.h>
#include <signal.h>

#include "descent/train/trainer.hpp"

namespace descent::cli {

/// Installs the SIGINT/SIGTERM handlers (sigaction; a signal ignored by the parent stays ignored)
/// and restores the previous actions on destruction.
class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  /// The first signal received while a guard was installed, 0 if none.
  static int received();
  /// "SIGINT", "SIGTERM".
  static std::string name(int signal);
  /// The shell's convention for a process ended by `signal`: 128 + signal (130, 143).
  static int exit_code(int signal) { return 128 + signal; }

 private:
  struct sigaction previous_[2] = {};  // SIGINT, SIGTERM
  bool installed_[2] = {};
};

/// Stops training at the end of the epoch in which a signal arrived, saying so once on stderr.
template <class T>
class StopOnSignal final : public train::Callback<T> {
 public:
  std::string name() const override { return "stop_on_signal"; }
  void on_batch_end(train::Trainer<T>& trainer) override {
    if (noticed_ || !SignalGuard::received()) return;
    noticed_ = true;
    fmt::print(stderr,
               "\n{} received: stopping at the end of epoch {} (send it again to quit now)\n",
               SignalGuard::name(SignalGuard::received()), trainer.progress().epoch + 1);
    std::fflush(stderr);
  }
  void on_epoch_end(train::Trainer<T>& trainer) override {
    if (const int signal = SignalGuard::received())
      trainer.stop(fmt::format("interrupted by {} after epoch {}", SignalGuard::name(signal),
                               trainer.progress().epoch));
  }

 private:
  bool noticed_ = false;
};

}  // namespace descent::cli
