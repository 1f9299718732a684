// cubie/integrate/rhs_call.hpp
// The implicit steppers' calls of a system's rhs: inline, except on the GPU for systems of
// rhs_out_of_line_states states or more, where one out-of-line copy serves every call site.
#pragma once
#include "../core/execution_space.hpp"

namespace cubie {
namespace rhs_detail {

// A large system's rhs (a generated model's straight-line code, or an unrolled loop) is
// thousands of instructions; a FIRK step calls it from five places and its Newton iteration
// from more, so inlining each made half of the 100-state Brusselator's radau_iia_5 kernel
// (bench/RESULTS.md, "Newton-Krylov kernels' size"). Its state arrays are in local memory at
// that size whether inlined or not, so the call costs a few instructions per evaluation.
template <class Sys, class T, class S>
CUBIE_HD CUBIE_NOINLINE void rhs_out_of_line(const Sys& sys, T t, const S* y, const S* p, S* dydt) {
  sys.rhs(t, y, p, dydt);
}

}  // namespace rhs_detail

/// sys.rhs(t, y, p, dydt), out of line for large systems on the GPU (rhs_detail).
template <class Sys, class T, class S>
CUBIE_HD CUBIE_FORCEINLINE void call_rhs(const Sys& sys, T t, const S* y, const S* p, S* dydt) {
#if CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()
  if constexpr (Sys::n_states >= rhs_out_of_line_states) {
    rhs_detail::rhs_out_of_line(sys, t, y, p, dydt);
    return;
  }
#endif
  sys.rhs(t, y, p, dydt);
}

}  // namespace cubie
