#include "interrupt_guard.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstring>

namespace cubie::cli {

namespace {

std::atomic<bool> stop_flag{false};
struct sigaction previous {};

extern "C" void on_sigint(int) {
  if (stop_flag.exchange(true)) {
    // Second Ctrl-C: the default action, which ends the process.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGINT, &dfl, nullptr);
    raise(SIGINT);
    return;
  }
  static const char msg[] =
      "\ncubie: interrupt: stopping after the chunk in progress (Ctrl-C again to abort at once)\n";
  // write(2) is async-signal-safe; stdio is not.
  [[maybe_unused]] const auto n = write(STDERR_FILENO, msg, sizeof msg - 1);
}

}  // namespace

interrupt_guard::interrupt_guard() {
  static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");
  stop_flag = false;
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sa.sa_flags = SA_RESTART;  // file writes and waits resume instead of failing with EINTR
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &previous);
}

interrupt_guard::~interrupt_guard() { sigaction(SIGINT, &previous, nullptr); }

const std::atomic<bool>& interrupt_guard::stop_requested() { return stop_flag; }

}  // namespace cubie::cli
