// Ctrl-C during a solve: the first SIGINT asks the solve to stop after the chunk in
// progress (the finished chunks stay in the partial file); a second one ends the
// process at once, as Ctrl-C normally does.
#pragma once
#include <atomic>

namespace cubie::cli {

class interrupt_guard {
 public:
  /// Installs the handler; the previous one comes back when the guard goes.
  interrupt_guard();
  ~interrupt_guard();
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;

  /// Set by the first SIGINT.
  [[nodiscard]] static const std::atomic<bool>& stop_requested();
};

}  // namespace cubie::cli
