// cubie/core/simd_lane_io.hpp
// The SIMD-pack overloads of the loop's input/output hooks (integrate/lane_io.hpp):
// W adjacent runs are gathered from and scattered to run-innermost arrays, each lane
// writing its own save index, since adaptive lanes reach their saves at different steps.
#pragma once
#include <cmath>

#include "../integrate/loop_settings.hpp"
#include "simd.hpp"

namespace cubie::simd {

template <class V, int W>
inline pack<V, W> load_input(const batch_args<V>& a, int v, i64 r, pack<V, W> /*tag*/) {
  const i64 stride = a.input_stride[v];
  const V* base = a.inputs + a.input_offset[v];
  if (stride == 0) return pack<V, W>(base[0]);
  pack<V, W> out;
  const i64 last = a.n_runs - 1;  // lanes past the batch repeat the last run (masked later)
  for (int l = 0; l < W; ++l) {
    const i64 run = r + l <= last ? r + l : last;
    out.v[l] = base[(run + a.input_run_offset) * stride];
  }
  return out;
}

template <class V, int W>
inline void store_output(const batch_args<V>& a, pack<double, W> k, mask<double, W> write, int slot, i64 r,
                         pack<V, W> value) {
  const i64 var_base = slot * a.var_stride + r;
  // Fixed steps move all lanes together: one contiguous store.
  if (all(write) && k.v[0] == k.v[W - 1] && r + W <= a.n_runs) {
    bool same = true;
    for (int l = 1; l < W - 1; ++l) same = same && k.v[l] == k.v[0];
    if (same) {
      value.store(a.time_domain + (static_cast<i64>(k.v[0]) - a.loop.first_save) * a.save_stride + var_base);
      return;
    }
  }
  for (int l = 0; l < W; ++l) {
    if (write[l] && r + l < a.n_runs)
      a.time_domain[(static_cast<i64>(k.v[l]) - a.loop.first_save) * a.save_stride + var_base + l] = value.v[l];
  }
}

template <class V, int W>
inline void store_run_summary(const batch_args<V>& a, i64 r, mask<double, W> valid, mask<double, W> too_small,
                              mask<double, W> max_steps, mask<double, W> stagnation, mask<double, W> nonfinite,
                              pack<double, W> accepted, pack<double, W> rejected) {
  for (int l = 0; l < W; ++l) {
    if (!valid[l] || r + l >= a.n_runs) continue;
    a.status[r + l] = compose_status(too_small[l], max_steps[l], stagnation[l], nonfinite[l]);
    if (a.steps_accepted) {
      a.steps_accepted[r + l] = accepted.v[l] > 4294967295.0 ? 0xffffffffu : static_cast<u32>(accepted.v[l]);
      a.steps_rejected[r + l] = rejected.v[l] > 4294967295.0 ? 0xffffffffu : static_cast<u32>(rejected.v[l]);
    }
  }
}

template <int W>
inline pack<double, W> count_to_time(pack<double, W> k) { return k; }

template <int W>
inline pack<double, W> save_time(pack<double, W> t_save0, pack<double, W> save_every, pack<double, W> k) {
  pack<double, W> r;
  for (int l = 0; l < W; ++l) r.v[l] = std::fma(save_every.v[l], k.v[l], t_save0.v[l]);
  return r;
}

/// log2 for the controller (x > 0) and its inverse, vectorised.
template <class T, int W>
inline pack<T, W> log2(pack<T, W> x) { return detail::log2_positive(x); }
template <class T, int W>
inline pack<T, W> exp2(pack<T, W> x) { return detail::exp2_any(x); }

}  // namespace cubie::simd

namespace cubie::math {
using simd::exp2;
using simd::log2;
}  // namespace cubie::math
