// cubie/integrate/lane_io.hpp
// How the per-run loop reads inputs and writes outputs for a scalar run (one GPU
// thread, or one CPU run). SIMD packs overload the same names in integrate/simd_lane_io.hpp;
// the loop calls them unqualified so argument-dependent lookup picks the right one.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"
#include "run_failures.hpp"

namespace cubie {

template <class V>
CUBIE_HD CUBIE_FORCEINLINE V load_input(const batch_args<V>& a, int v, i64 r, V /*tag*/) {
  return a.inputs[a.input_offset[v] + (r + a.input_run_offset) * a.input_stride[v]];
}

template <class V>
CUBIE_HD CUBIE_FORCEINLINE void store_output(const batch_args<V>& a, i64 save_index, bool write, int slot, i64 r,
                                             V value) {
  // Indices below first_save (save 0 after a settling span, initial state not wanted)
  // are landed on but not recorded.
  if (write && save_index >= a.loop.first_save) {
    output_ptr<V>(a, output_id::time_domain)[(save_index - a.loop.first_save) * a.save_stride + slot * a.run_stride + r] =
        value;
  }
}

/// Status, step counters and where the run stopped (time reached, last step size): what
/// happened to it, written once at its end.
template <class V, class S>
CUBIE_HD CUBIE_FORCEINLINE void store_run_outcome(const batch_args<V>& a, i64 r, bool valid,
                                                  const run_failures<bool>& failed, long long accepted,
                                                  long long rejected, double t, S dt) {
  if (!valid) return;
  if (double* tr = output_ptr<double>(a, output_id::t_reached)) tr[r] = t;
  if (V* dl = output_ptr<V>(a, output_id::dt_last)) dl[r] = static_cast<V>(dt);
  output_ptr<u32>(a, output_id::status)[r] =
      compose_status(failed.too_small, failed.max_steps, failed.stagnation, failed.nonfinite, failed.singular,
                     failed.newton_iters, failed.newton_diverged, failed.linear_iters, failed.linear_breakdown);
  // Counters saturate rather than wrap: max_steps may exceed 2^32.
  if (u32* acc = output_ptr<u32>(a, output_id::steps_accepted))
    acc[r] = accepted > 0xffffffffLL ? 0xffffffffu : static_cast<u32>(accepted);
  if (u32* rej = output_ptr<u32>(a, output_id::steps_rejected))
    rej[r] = rejected > 0xffffffffLL ? 0xffffffffu : static_cast<u32>(rejected);
}

}  // namespace cubie
