// cubie/integrate/summary_lane_io.hpp
// How the summary recorder writes its values and how the loop finds a save's time, for a
// scalar run (one GPU thread, one CPU run) and, in host-compiler translation units, for a
// SIMD pack of runs whose lanes close their windows at different steps.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"

namespace cubie {

/// Writes `value` to the summaries of window w, row `row + row_offset` of run r.
template <class V>
CUBIE_HD CUBIE_FORCEINLINE void store_summary(const batch_args<V>& a, long long w, bool write, i64 row, V row_offset,
                                              i64 r, V value) {
  if (write) {
    const i64 at = (w * a.loop.summary.n_rows + row + static_cast<i64>(row_offset)) * a.run_stride + r;
    output_ptr<V>(a, output_id::summaries)[at] = value;
  }
}

/// The time of save k: the listed save time, or t_save0 + k * save_every as one FMA. A run
/// past its last save (k = n_saves) reads the last one: it has stopped.
template <class V>
CUBIE_HD CUBIE_FORCEINLINE double save_time_of(const batch_args<V>& a, long long k) {
  if (a.save_times == nullptr) return save_time(a.loop.t_save0, a.loop.save_every, double(k));
  return a.save_times[k < a.loop.n_saves ? k : a.loop.n_saves - 1];
}

}  // namespace cubie

#if !CUBIE_IS_NVRTC() && !defined(__CUDACC__)
#include <cmath>

#include "../core/simd.hpp"

namespace cubie::simd {

template <class V, int W>
CUBIE_SIMD_INLINE void store_summary(const batch_args<V>& a, pack<double, W> w, mask<double, W> write, i64 row,
                                     pack<V, W> row_offset, i64 r, pack<V, W> value) {
  V* const out = output_ptr<V>(a, output_id::summaries);
  const i64 rows = a.loop.summary.n_rows;
  // Lanes that close a window together (fixed steps) write one contiguous block.
  if (all(write) && r + W <= a.n_runs && all(w == pack<double, W>(w[0])) && all(row_offset == pack<V, W>(row_offset[0]))) {
    value.store(out + (static_cast<i64>(w[0]) * rows + row + static_cast<i64>(row_offset[0])) * a.run_stride + r);
    return;
  }
  for (int l = 0; l < W; ++l) {
    if (write[l] && r + l < a.n_runs)
      out[(static_cast<i64>(w[l]) * rows + row + static_cast<i64>(row_offset[l])) * a.run_stride + r + l] = value[l];
  }
}

template <class V, int W>
CUBIE_SIMD_INLINE pack<double, W> save_time_of(const batch_args<V>& a, pack<double, W> k) {
  double lanes[W];
  for (int l = 0; l < W; ++l) {
    const i64 kl = static_cast<i64>(k[l]);
    lanes[l] = a.save_times != nullptr ? a.save_times[kl < a.loop.n_saves ? kl : a.loop.n_saves - 1]
                                       : std::fma(a.loop.save_every, k[l], a.loop.t_save0);
  }
  return pack<double, W>::load(lanes);
}

}  // namespace cubie::simd
#endif
