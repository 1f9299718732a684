// cubie/execution/prepared_batch.hpp
// A solve reduced to what a backend needs: inputs converted to the precision V,
// output slots, tolerances, the loop settings and the entry points. Built by the
// Solver from a grid and settings; executors read it and know nothing of names.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../integrate/batch_args.hpp"
#include "../integrate/loop_settings.hpp"
#include "compiled_system.hpp"
#include "output_table.hpp"

namespace cubie {

/// An allocator whose resize leaves new elements default-initialised (for numbers: not
/// written): the Solver fills a batch's input columns in parallel right after, and zeroing
/// them first would fault every fresh page in on one thread (about 2.5 GB/s: 7 ms for the
/// 16.8 MB of B1's 4,194,304 float parameters).
template <class T>
struct default_init_allocator : std::allocator<T> {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = default_init_allocator<U>;
  };
  default_init_allocator() noexcept = default;
  template <class U>
  default_init_allocator(const default_init_allocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... A>
  void construct(U* p, A&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(args)...);
  }
};

/// A batch's input values: filled completely after each resize.
template <class V>
using input_vector = std::vector<V, default_init_allocator<V>>;

template <class V>
struct prepared_batch {
  /// Names these contents: each prepared_batch<V> made in the process gets a new value, a
  /// copy keeps it. A batch is not changed once built (to change one, build a new one), so
  /// an executor may keep what it derives from a batch (e.g. staged inputs) while the
  /// generation is the same.
  std::uint64_t generation = [] {
    static std::atomic<std::uint64_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed) + 1;
  }();
  const compiled_system* system = nullptr;
  std::string method;
  cpu_entry cpu = nullptr;                 ///< null when not compiled for the CPU
  const gpu_kernel* gpu = nullptr;         ///< null when not compiled for the GPU
  /// algorithm = "auto" in two passes (integrate/continuation.hpp): the explicit first pass
  /// on the backend in use (null: one pass, the entries above alone) and the fields of the
  /// per-run continuation record.
  cpu_entry cpu_first_pass = nullptr;
  const gpu_kernel* gpu_first_pass = nullptr;
  int continuation_fields = 0;
  i64 n_runs = 0;
  int n_states = 0, n_parameters = 0;

  // Inputs: all varying columns (n_runs values each) then all broadcast values.
  input_vector<V> input_values;
  std::vector<i64> input_offset, input_stride;  // per input variable (states, then parameters)
  i64 varying_columns = 0;                       // columns with stride 1

  // Time-domain slots of the states and observables (-1: not saved).
  std::vector<i32> state_slot, observable_slot;
  i32 n_saved_observables = 0;
  // Summary blocks of the states then the observables (-1: not summarised); at least one entry.
  std::vector<i32> summary_slot;
  // The save schedule's landing times when they are listed (solve_spec::save_times); empty
  // when save k is at t_save0 + k * save_every.
  std::vector<double> save_times;
  output_layout outputs;  ///< every per-run array recorded, and its shape
  std::vector<V> atol, rtol;
  loop_settings<V> loop{};
  // Driver signals: their grids; their coefficients are input variables n_states +
  // n_parameters onwards (per-run ones among the varying columns, shared ones broadcast).
  std::vector<driver_info> drivers;
  i32 land_on_samples = 0;
  event_args events{0, 0.0};

  /// Bytes a run needs on a device: its varying inputs and every output array.
  [[nodiscard]] std::uint64_t bytes_per_run() const {
    return static_cast<std::uint64_t>(varying_columns) * sizeof(V) + outputs.bytes_per_run() + continuation_bytes_per_run();
  }
  /// Two passes: a run's continuation record and its place in the list of handed-on runs.
  [[nodiscard]] std::uint64_t continuation_bytes_per_run() const {
    return continuation_fields > 0 ? static_cast<std::uint64_t>(continuation_fields) * sizeof(double) + sizeof(i64) : 0;
  }
  /// Bytes a solve needs whatever its size: broadcast inputs and the small tables.
  [[nodiscard]] std::uint64_t fixed_bytes() const {
    return (input_values.size() - static_cast<std::size_t>(varying_columns * n_runs)) * sizeof(V) +
           input_offset.size() * 2 * sizeof(i64) +
           (state_slot.size() + observable_slot.size() + summary_slot.size()) * sizeof(i32) +
           save_times.size() * sizeof(double) + (atol.size() + rtol.size()) * sizeof(V) +
           drivers.size() * sizeof(driver_info);
  }
};

}  // namespace cubie
