// cubie/backends/cpu/cpu_entry.hpp
// The CPU backend's entry point for one (method, system, precision): the shared loop
// on SIMD packs of adjacent runs. The last pack of a range is masked, not handled by a
// scalar tail, so a run's result never depends on where chunks or threads split.
#pragma once
#include "../../core/math.hpp"
#include "../../integrate/integrate_run.hpp"
#include "simd_width.hpp"

namespace cubie::cpu {
inline namespace CUBIE_TU_NAMESPACE {

/// G: the summary accumulator groups compiled in (0: none; integrate/summary_settings.hpp).
/// Paths: the loop paths compiled in (loop_paths; model files build an adaptive run's
/// library with the general loop only, and the fixed-count path on its first need).
template <class Method, template <class> class Sys, class V, u32 G = 0, loop_paths Paths = loop_paths::both>
void integrate_range(const void* args, i64 begin, i64 end) {
  const auto& a = *static_cast<const batch_args<V>*>(args);
#if !defined(__CUDACC__)
  constexpr int W = simd_lanes_for<V, Sys<V>::n_states>;
  using P = simd::pack<V, W>;
  const Sys<P> sys{};
  for (i64 r = begin; r < end; r += W) {
    simd::mask<double, W> valid(false);
    for (int l = 0; l < W; ++l) valid.set(l, r + l < end);
    integrate_run<Method, G, Paths>(sys, a, r, valid);
  }
#else
  // nvcc cannot compile vector types in host-device templates: a system compiled in a
  // CUDA translation unit gets a CPU entry of one run at a time (the same results, but for
  // the DIRKs, which keep J and their factors across steps only one run at a time:
  // dirk_stepper.hpp).
  const Sys<V> sys{};
  for (i64 r = begin; r < end; ++r) integrate_run<Method, G, Paths>(sys, a, r, true);
#endif
}

}  // namespace CUBIE_TU_NAMESPACE
}  // namespace cubie::cpu
