// cubie/integrate/simd_lane_io.hpp
// The SIMD-pack overloads of the loop's input/output hooks (integrate/lane_io.hpp):
// W adjacent runs are gathered from and scattered to run-innermost arrays, each lane
// writing its own save index, since adaptive lanes reach their saves at different steps.
// Forced inline like the packs (core/simd.hpp): with FMA contraction on, what the loop
// around them computes must not depend on an inlining decision.
#pragma once
#include <cmath>

#include "batch_args.hpp"
#include "run_failures.hpp"
#include "../core/simd.hpp"

namespace cubie::simd {

template <class V, int W>
CUBIE_SIMD_INLINE pack<V, W> load_input(const batch_args<V>& a, int v, i64 r, pack<V, W> /*tag*/) {
  const i64 stride = a.input_stride[v];
  const V* base = a.inputs + a.input_offset[v];
  if (stride == 0) return pack<V, W>(base[0]);
  if (stride == 1 && r + W <= a.n_runs) return pack<V, W>::load(base + r + a.input_run_offset);
  V lanes[W];
  const i64 last = a.n_runs - 1;  // lanes past the batch repeat the last run (masked later)
  for (int l = 0; l < W; ++l) {
    const i64 run = r + l <= last ? r + l : last;
    lanes[l] = base[(run + a.input_run_offset) * stride];
  }
  return pack<V, W>::load(lanes);
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
  for (int l = 0; l < W; ++l) {
    if (write[l] && r + l < a.n_runs)
      td[(static_cast<i64>(k[l]) - a.loop.first_save) * a.save_stride + var_base + l] = value[l];
  }
}

template <class V, int W>
CUBIE_SIMD_INLINE void store_run_outcome(const batch_args<V>& a, i64 r, mask<double, W> valid,
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

template <int W>
CUBIE_SIMD_INLINE pack<double, W> count_to_time(pack<double, W> k) { return k; }

template <int W>
CUBIE_SIMD_INLINE pack<double, W> save_time(pack<double, W> t_save0, pack<double, W> save_every, pack<double, W> k) {
  double lanes[W];
  for (int l = 0; l < W; ++l) lanes[l] = std::fma(save_every[l], k[l], t_save0[l]);
  return pack<double, W>::load(lanes);
}

}  // namespace cubie::simd
