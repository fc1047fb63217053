#include "interrupt.hpp"

#include <atomic>
#include <iterator>

namespace descent::cli {

namespace {
// Written by the handler, so it must be lock-free to be async-signal-safe.
std::atomic<int> g_received{0};
static_assert(std::atomic<int>::is_always_lock_free);

constexpr int kSignals[] = {SIGINT, SIGTERM};

extern "C" void on_signal(int signal) {
  int none = 0;
  g_received.compare_exchange_strong(none, signal);
}
}  // namespace

SignalGuard::SignalGuard() {
  static_assert(std::size(kSignals) == std::size(decltype(previous_){}));
  struct sigaction action = {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESETHAND: the default action is back after the first signal, so a second one ends the
  // process; SA_RESTART: interrupted file writes resume.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  for (std::size_t i = 0; i < std::size(kSignals); ++i) {
    if (sigaction(kSignals[i], nullptr, &previous_[i]) != 0 || previous_[i].sa_handler == SIG_IGN)
      continue;
    installed_[i] = sigaction(kSignals[i], &action, nullptr) == 0;
  }
}

SignalGuard::~SignalGuard() {
  for (std::size_t i = 0; i < std::size(kSignals); ++i)
    if (installed_[i]) sigaction(kSignals[i], &previous_[i], nullptr);
}

int SignalGuard::received() {
  return g_received.load();
}

std::string SignalGuard::name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal " + std::to_string(signal);
  }
}

}  // namespace descent::cli
