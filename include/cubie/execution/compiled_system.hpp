// cubie/execution/compiled_system.hpp
// A system as the Solver sees it: names plus compiled entry points, one per (method,
// precision) and backend. Built by make_system<Sys>() for C++ systems, or by the model
// compiler for model files (then it also keeps the loaded code alive).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../core/types.hpp"
#include "../core/precision.hpp"
#include "system_info.hpp"

namespace cubie {

template <class T>
class deferred_entries;  // deferred_kernels.hpp
struct gpu_kernel;
struct cpu_path_entry;
using deferred_gpu_kernels = deferred_entries<gpu_kernel>;
using deferred_cpu_entries = deferred_entries<cpu_path_entry>;

/// CPU entry point: integrates local runs [begin, end) of the view *args, a
/// batch_args<V> of the entry's precision. Runs are independent; callers split ranges
/// across threads (at multiples of the SIMD width, for speed only).
using cpu_entry = void (*)(const void* args, i64 begin, i64 end);

/// A CUDA kernel taking one batch_args<V> by value, one run per thread. `function` is
/// what cudaLaunchKernel accepts: a host stub of an ahead-of-time kernel, or a
/// cudaKernel_t obtained from a library loaded at run time.
struct gpu_kernel {
  const void* function = nullptr;
  std::string name;                 ///< for messages and statistics
  std::shared_ptr<const void> owner;  ///< keeps a run-time-loaded library alive
};

using entry_key = std::pair<std::string, precision>;  ///< canonical method name, precision
/// An entry point that also computes summary metrics: method, precision and the summary
/// accumulator groups compiled in (integrate/summary_settings.hpp, summary_group bits).
using summary_entry_key = std::tuple<std::string, precision, u32>;

struct compiled_system {
  system_info info;
  std::map<entry_key, cpu_entry> cpu;
  std::map<entry_key, gpu_kernel> gpu;
  /// Entry points with summary metrics: a solve that asks for summaries takes the one whose
  /// groups contain its own with the fewest extra (extra groups cost time, not results).
  std::map<summary_entry_key, cpu_entry> cpu_summaries;
  std::map<summary_entry_key, gpu_kernel> gpu_summaries;
  /// The kernel a solve taking the fixed-count path (loop_settings::fixed_count_path)
  /// launches instead of the entry in `gpu` or `gpu_summaries` whose function is the key,
  /// built on the first solve that takes that path (deferred_kernels.hpp) unless the model
  /// compiler built it already. Null or without the key for kernels holding both paths (C++
  /// systems); model files compiled by NVRTC build the two paths as separate programs
  /// (cuda::integrate_path_kernel), and their entries hold the general loop only.
  std::shared_ptr<const deferred_gpu_kernels> gpu_fixed_count;
  /// The same for the CPU: the entry a solve taking the fixed-count path runs instead of the
  /// entry in `cpu` or `cpu_summaries` whose address (entry_key_of) is the key. Model files
  /// build a method's CPU library with the general loop only when the model's own solve does
  /// not take the fixed-count path; null or without the key for entries holding both paths.
  std::shared_ptr<const deferred_cpu_entries> cpu_fixed_count;
  int cpu_simd_lanes_float = 1;   ///< runs per SIMD register of the CPU entries
  int cpu_simd_lanes_double = 1;
  std::shared_ptr<const void> keepalive;  ///< e.g. a dlopen handle for model files

  /// Canonical method names compiled for `p` on the CPU / GPU.
  [[nodiscard]] std::vector<std::string> cpu_methods(precision p) const;
  [[nodiscard]] std::vector<std::string> gpu_methods(precision p) const;

  /// The summary entry for (method, p) carrying at least `groups`, with the fewest groups;
  /// null when there is none.
  [[nodiscard]] const cpu_entry* cpu_summary_entry(const std::string& method, precision p, u32 groups) const;
  [[nodiscard]] const gpu_kernel* gpu_summary_entry(const std::string& method, precision p, u32 groups) const;
};

}  // namespace cubie
