// cubie/integrate/simd_lane_io.hpp
// The SIMD-pack overloads of the loop's input/output hooks (integrate/lane_io.hpp):
// W adjacent runs are gathered from and scattered to run-innermost arrays, each lane
// writing its own save index, since adaptive lanes reach their saves at different steps.
// Forced inline like the packs (core/simd.hpp): with FMA contraction on, what the loop
// around them computes must not depend on an inlining decision. The lane-by-lane paths
// (a strided input gathered, lanes saving at different indices, the run's outcome) are
// one out-of-line copy each instead: copies and stores only, nothing to fuse, and inlined
// at every state of every call they were most of a many-state model's compile time.
#pragma once
#include <cmath>

#include "batch_args.hpp"
#include "iteration_counters.hpp"
#include "run_failures.hpp"
#include "../core/simd.hpp"

namespace cubie::simd {

/// Lane by lane: inputs with a stride, or a pack past the end of the batch.
template <class V, int W>
[[gnu::noinline]] pack<V, W> load_input_lanes(const batch_args<V>& a, const V* base, i64 stride, i64 r) {
  V lanes[W];
  const i64 last = a.n_runs - 1;  // lanes past the batch repeat the last run (masked later)
  for (int l = 0; l < W; ++l) {
    const i64 run = r + l <= last ? r + l : last;
    lanes[l] = base[(run + a.input_run_offset) * stride];
  }
  return pack<V, W>::load(lanes);
}

template <class V, int W>
CUBIE_SIMD_INLINE pack<V, W> load_input(const batch_args<V>& a, int v, i64 r, pack<V, W> /*tag*/) {
  const i64 stride = a.input_stride[v];
  const V* base = a.inputs + a.input_offset[v];
  if (stride == 0) return pack<V, W>(base[0]);
  if (stride == 1 && r + W <= a.n_runs) return pack<V, W>::load(base + r + a.input_run_offset);
  return load_input_lanes<V, W>(a, base, stride, r);
}

/// Lane by lane: `td` points at the variable's slot for run r.
template <class V, int W>
[[gnu::noinline]] void store_output_lanes(const batch_args<V>& a, pack<double, W> k, mask<double, W> write, i64 r,
                                          V* td, pack<V, W> value) {
  for (int l = 0; l < W; ++l) {
    if (write[l] && r + l < a.n_runs)
      td[(static_cast<i64>(k[l]) - a.loop.first_save) * a.save_stride + l] = value[l];
  }
}

template <class V, int W>
CUBIE_SIMD_INLINE void store_output(const batch_args<V>& a, pack<double, W> k, mask<double, W> write, int slot, i64 r,
                                    pack<V, W> value) {
  V* const td = output_ptr<V>(a, output_id::time_domain);
  const i64 var_base = slot * a.run_stride + r;
  // Lanes that save together (fixed steps, or adaptive lanes landing on the same save)
  // write one contiguous block.
  if (all(write) && r + W <= a.n_runs && all(k == pack<double, W>(k[0]))) {
    value.store(td + (static_cast<i64>(k[0]) - a.loop.first_save) * a.save_stride + var_base);
    return;
  }
  store_output_lanes(a, k, write, r, td + var_base, value);
}

template <class V, int W>
[[gnu::noinline]] void store_run_outcome(const batch_args<V>& a, i64 r, mask<double, W> valid,
                                         const run_failures<mask<double, W>>& failed, pack<double, W> accepted,
                                         pack<double, W> rejected, pack<double, W> t, pack<V, W> dt) {
  u32* const status = output_ptr<u32>(a, output_id::status);
  double* const t_reached = output_ptr<double>(a, output_id::t_reached);
  V* const dt_last = output_ptr<V>(a, output_id::dt_last);
  u32* const acc = output_ptr<u32>(a, output_id::steps_accepted);
  u32* const rej = output_ptr<u32>(a, output_id::steps_rejected);
  for (int l = 0; l < W; ++l) {
    if (!valid[l] || r + l >= a.n_runs) continue;
    status[r + l] = compose_status(failed.too_small[l], failed.max_steps[l], failed.stagnation[l],
                                   failed.nonfinite[l], failed.singular[l], failed.newton_iters[l],
                                   failed.newton_diverged[l], failed.linear_iters[l], failed.linear_breakdown[l]);
    if (acc) acc[r + l] = accepted[l] > 4294967295.0 ? 0xffffffffu : static_cast<u32>(accepted[l]);
    if (rej) rej[r + l] = rejected[l] > 4294967295.0 ? 0xffffffffu : static_cast<u32>(rejected[l]);
    if (t_reached) t_reached[r + l] = t[l];
    if (dt_last) dt_last[r + l] = dt[l];
  }
}

/// Each lane's iteration counters at its own save k[l] (iteration_counters.hpp).
template <class V, int W>
CUBIE_SIMD_INLINE void store_iteration_counters(const batch_args<V>& a, pack<double, W> k, mask<double, W> write,
                                                i64 r, pack<double, W> newton, pack<double, W> linear,
                                                pack<double, W> accepted, pack<double, W> rejected) {
  u32* const out = output_ptr<u32>(a, output_id::iteration_counters);
  if (out == nullptr) return;
  for (int l = 0; l < W; ++l) {
    const auto kl = static_cast<i64>(k[l]);
    if (!write[l] || r + l >= a.n_runs || kl < a.loop.first_save || kl > a.loop.last_save) continue;
    out[iteration_counter_index(a, kl, 0, r + l)] = saturate_count(newton[l]);
    out[iteration_counter_index(a, kl, 1, r + l)] = saturate_count(linear[l]);
    out[iteration_counter_index(a, kl, 2, r + l)] = saturate_count(accepted[l]);
    out[iteration_counter_index(a, kl, 3, r + l)] = saturate_count(rejected[l]);
  }
}

/// Each lane's saves from cumulative counts to counts since the previous save (its own k).
template <class V, int W>
inline void difference_iteration_counters(const batch_args<V>& a, i64 r, mask<double, W> valid, pack<double, W> k) {
  if (output_ptr<u32>(a, output_id::iteration_counters) == nullptr) return;
  for (int l = 0; l < W; ++l)
    if (r + l < a.n_runs) cubie::difference_iteration_counters(a, r + l, bool(valid[l]), static_cast<long long>(k[l]));
}

template <int W>
CUBIE_SIMD_INLINE pack<double, W> count_to_time(pack<double, W> k) { return k; }

template <int W>
CUBIE_SIMD_INLINE pack<double, W> save_time(pack<double, W> t_save0, pack<double, W> save_every, pack<double, W> k) {
  double lanes[W];
  for (int l = 0; l < W; ++l) lanes[l] = std::fma(save_every[l], k[l], t_save0[l]);
  return pack<double, W>::load(lanes);
}

}  // namespace cubie::simd
