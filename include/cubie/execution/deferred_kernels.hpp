// cubie/execution/deferred_kernels.hpp
// Entry points built on first need: the model compiler registers how to build a GPU kernel
// or CPU entry that a solve may never run (the fixed-count path of an adaptive method), and
// the Solver asks for it only when a solve takes that path. Thread-safe; each is built once.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "compiled_system.hpp"

namespace cubie {

/// A CPU entry point with what keeps its code loaded.
struct cpu_path_entry {
  cpu_entry entry = nullptr;
  std::shared_ptr<const void> owner;
};

/// T: gpu_kernel or cpu_path_entry. Keys are the function of the entry point the deferred
/// one belongs to (a kernel's `function`, a CPU entry's address).
template <class T>
class deferred_entries {
 public:
  /// Builds (compiles or loads from a cache) and returns an entry. May throw; a build that
  /// threw is tried again by the next get().
  using builder = std::function<T()>;

  /// Registers the kernel for `key` (the function of the entry it belongs to): built by
  /// `build` on the first get(key). Not thread-safe: only while the owner is being made.
  void add(const void* key, builder build) {
    auto& s = slots_[key];
    s = std::make_unique<slot>();
    s->build = std::move(build);
  }
  /// Registers a kernel built already (compiled beside its entry).
  void add_built(const void* key, T entry) {
    auto& s = slots_[key];
    s = std::make_unique<slot>();
    s->kernel = std::move(entry);
    s->built = true;
  }

  /// The kernel for `key`, built now if it was not yet (callers for the same key wait for
  /// one build); null when none was registered. The reference stays valid as long as this
  /// object does.
  [[nodiscard]] const T* get(const void* key) const {
    const auto it = slots_.find(key);
    if (it == slots_.end()) return nullptr;
    slot& s = *it->second;
    std::lock_guard lock(s.mutex);
    if (!s.built) {
      const auto start = std::chrono::steady_clock::now();
      s.kernel = s.build();
      s.built = true;
      s.build = nullptr;  // what it captured (the generated source, options) is not needed again
      std::lock_guard totals(totals_mutex_);
      ++builds_;
      build_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }
    return &s.kernel;
  }

  /// Whether `key`'s kernel is registered and built (for tests and reports).
  [[nodiscard]] bool built(const void* key) const {
    const auto it = slots_.find(key);
    if (it == slots_.end()) return false;
    std::lock_guard lock(it->second->mutex);
    return it->second->built;
  }
  /// Registered kernels, built or not.
  [[nodiscard]] std::size_t size() const { return slots_.size(); }
  /// Kernels built by get() so far (not those registered built), and their wall time in ms.
  [[nodiscard]] std::pair<int, double> builds() const {
    std::lock_guard lock(totals_mutex_);
    return {builds_, build_ms_};
  }

 private:
  struct slot {
    mutable std::mutex mutex;
    builder build;
    T kernel;
    bool built = false;
  };
  std::map<const void*, std::unique_ptr<slot>> slots_;
  mutable std::mutex totals_mutex_;
  mutable int builds_ = 0;
  mutable double build_ms_ = 0.0;
};

// deferred_gpu_kernels and deferred_cpu_entries: compiled_system.hpp.

/// The key of a CPU entry point.
[[nodiscard]] inline const void* entry_key_of(cpu_entry e) { return reinterpret_cast<const void*>(e); }

}  // namespace cubie
