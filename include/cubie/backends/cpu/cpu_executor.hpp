// cubie/backends/cpu/cpu_executor.hpp
// The CPU backend: every core, runs in SIMD packs, blocks handed out dynamically, and
// chunks planned under a host memory budget with the same planner as device memory.
#pragma once
#include <memory>

#include "../../execution/executor.hpp"
#include "../../memory/memory_settings.hpp"
#include "../../execution/thread_pool.hpp"

namespace cubie::cpu {

class cpu_executor final : public executor {
 public:
  /// @param threads 0 = every core.
  cpu_executor(int threads, memory::memory_settings memory);
  /// Starts the worker threads, so a first solve does not pay for it.
  void warm_up(const compiled_system& system, const entry_key& key) override;
  [[nodiscard]] std::string name() const override { return "cpu"; }
  void execute(const prepared_batch<float>& batch, result_sink& sink, solve_statistics& stats) override;
  void execute(const prepared_batch<double>& batch, result_sink& sink, solve_statistics& stats) override;

  /// The shared pool for `threads` workers (created on first use, kept for the process).
  static thread_pool& pool_for(int threads);

 private:
  template <class V>
  void run(const prepared_batch<V>& batch, result_sink& sink, solve_statistics& stats);
  int threads_;
  memory::memory_settings memory_;
};

/// The CPU's model name from /proc/cpuinfo, for statistics and benchmark tables.
[[nodiscard]] std::string cpu_name();

}  // namespace cubie::cpu
