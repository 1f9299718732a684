// tests/backends/pipeline_fixture.hpp
// What the chunk-pipeline tests share: a Lorenz batch prepared by hand (the Solver's
// preparation is private), a result sink over host arrays, and a reference solve.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "cubie/execution/compiled_system.hpp"
#include "cubie/execution/make_batch_args.hpp"
#include "cubie/execution/prepared_batch.hpp"
#include "cubie/execution/result_sink.hpp"
#include "cubie/core/scalar_traits.hpp"

namespace cubie::test {

/// A Lorenz batch of `n_runs` runs: x and rho vary, y and z are broadcast; fixed-step rk4
/// with five saves (so the general loop with save landing runs) and counters.
template <class V>
prepared_batch<V> lorenz_rk4_batch(const compiled_system& system, std::int64_t n_runs) {
  prepared_batch<V> b;
  b.system = &system;
  b.method = "classical_rk4";
  b.cpu = system.cpu.at({"classical_rk4", sizeof(V) == 4 ? precision::float32 : precision::float64});
  b.n_runs = n_runs;
  b.n_states = 3;
  b.n_parameters = 1;
  // Variables x, y, z, rho: x is column 0, rho column 1, then the broadcast y and z.
  b.varying_columns = 2;
  b.input_values.resize(static_cast<std::size_t>(2 * n_runs + 2));
  for (std::int64_t r = 0; r < n_runs; ++r) {
    b.input_values[static_cast<std::size_t>(r)] = static_cast<V>(1.0 + 0.001 * static_cast<double>(r));
    b.input_values[static_cast<std::size_t>(n_runs + r)] = static_cast<V>(10.0 + 20.0 * static_cast<double>(r) / n_runs);
  }
  b.input_values[static_cast<std::size_t>(2 * n_runs)] = V(0.5);      // y
  b.input_values[static_cast<std::size_t>(2 * n_runs + 1)] = V(0.25);  // z
  b.input_offset = {0, 2 * n_runs, 2 * n_runs + 1, n_runs};
  b.input_stride = {1, 0, 0, 1};
  b.state_slot = {0, 1, 2};
  b.observable_slot = {3};
  b.n_saved_observables = 1;
  b.outputs.precision = sizeof(V) == 4 ? precision::float32 : precision::float64;
  b.outputs.n_runs = n_runs;
  b.outputs.n_saved_states = 3;
  b.outputs.arrays = {
      {output_id::time_domain, "time_domain", "", element_type::value,
       {output_axis{"time", 5, {0.0, 0.125, 0.25, 0.375, 0.5}, {}, true},
        output_axis{"variable", 4, {}, {"x", "y", "z", "r2"}, false}},
       true, std::numeric_limits<double>::quiet_NaN()},
      {output_id::status, "status", "", element_type::uint32, {}, false, 1024.0},
      {output_id::steps_accepted, "steps_accepted", "", element_type::uint32, {}, false, 0.0},
      {output_id::steps_rejected, "steps_rejected", "", element_type::uint32, {}, false, 0.0}};
  b.atol.assign(3, V(1e-6));
  b.rtol.assign(3, V(1e-6));

  loop_settings<V>& ls = b.loop;
  ls.t0 = 0.0;
  ls.t_save0 = 0.0;
  ls.save_every = 0.125;
  ls.n_saves = 5;
  ls.first_save = 0;
  ls.last_save = 4;
  ls.control.kind = controller_kind::fixed;
  ls.dt0 = V(1.0 / 256);
  ls.control.dt_min = V(1e-6);
  ls.control.dt_max = V(1.0);
  ls.control.safety = V(0.9);
  ls.control.min_gain = V(0.2);
  ls.control.max_gain = V(10.0);
  ls.control.deadband_min = ls.control.deadband_max = V(1.0);
  ls.max_steps = 1'000'000;
  ls.fixed_count_path = false;
  ls.dt_fixed = 1.0 / 256;
  return b;
}

/// Host arrays for a whole solve and a sink over them, with the in-memory result's strides.
template <class V>
class host_result_sink final : public result_sink {
 public:
  /// @param in_memory what whole_result_in_memory() answers (views never recycle either way).
  host_result_sink(const prepared_batch<V>& b, int max_in_flight = 1 << 30, bool in_memory = false)
      : n_(b.n_runs), vars_(b.outputs.n_vars()), max_in_flight_(max_in_flight), in_memory_(in_memory),
        values(static_cast<std::size_t>(b.outputs.n_saves() * b.outputs.n_vars() * b.n_runs), V(-7)),
        status(static_cast<std::size_t>(b.n_runs), 0xdeadu),
        accepted(static_cast<std::size_t>(b.n_runs), 0),
        rejected(static_cast<std::size_t>(b.n_runs), 0) {}

  output_view view(i64 begin, i64 /*end*/) override {
    ++outstanding;
    max_outstanding = std::max(max_outstanding, outstanding);
    output_view v = whole_view();
    for (void*& d : v.data) d = static_cast<char*>(d) + begin * static_cast<i64>(d == values.data() ? sizeof(V) : 4);
    v.pinned = true;
    return v;
  }
  void commit(i64 begin, i64 end) override {
    --outstanding;
    commits.emplace_back(begin, end);
  }
  [[nodiscard]] int max_in_flight() const override { return max_in_flight_; }
  [[nodiscard]] bool whole_result_in_memory() const override { return in_memory_; }

  /// Every array from run 0 (run_stride = n_runs).
  output_view whole_view() {
    output_view v;
    v.data[static_cast<int>(output_id::time_domain)] = values.data();
    v.data[static_cast<int>(output_id::status)] = status.data();
    v.data[static_cast<int>(output_id::steps_accepted)] = accepted.data();
    v.data[static_cast<int>(output_id::steps_rejected)] = rejected.data();
    v.run_stride = n_;
    return v;
  }

  std::int64_t n_, vars_;
  int max_in_flight_;
  bool in_memory_;
  std::vector<V> values;
  std::vector<u32> status, accepted, rejected;
  std::vector<std::pair<std::int64_t, std::int64_t>> commits;
  int outstanding = 0, max_outstanding = 0;
};

/// The whole batch integrated by its CPU entry in one call: the reference every chunked
/// solve must equal bit for bit.
template <class V>
void solve_directly(const prepared_batch<V>& b, host_result_sink<V>& out) {
  const batch_args<V> a = make_batch_args(b, host_tables(b), out.whole_view(), b.n_runs, 0);
  b.cpu(&a, 0, b.n_runs);
}

}  // namespace cubie::test
