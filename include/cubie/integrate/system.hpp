// cubie/integrate/system.hpp
// What an ODE system is to cubie: a functor templated on the arithmetic type S (float,
// double, or a SIMD pack of either) that computes dy/dt and, optionally, observables.
//
//   template <class S> struct my_system {
//     static constexpr int n_states = 3, n_parameters = 1, n_observables = 1;
//     static constexpr const char* state_names = "x,y,z";      // comma-separated, in order
//     static constexpr const char* parameter_names = "rho";
//     static constexpr const char* observable_names = "r2";    // "" when there are none
//     S sigma = S(10);                                        // constants are members
//     CUBIE_HD void rhs(S t, const S* y, const S* p, S* dydt) const;
//     CUBIE_HD void observables(S t, const S* y, const S* p, S* out) const;  // if n_observables > 0
//   };
//
// Time arrives in the state precision (t is kept in double by the loop and converted
// once per step). Per-run branches must be written with math::ifelse/select so the
// same code runs on SIMD lanes; a system is default-constructed on every backend.
#pragma once
#include "../core/execution_space.hpp"

#if CUBIE_HAS_HOST_STDLIB()
#include <concepts>
#endif

namespace cubie {

#if CUBIE_HAS_HOST_STDLIB()
template <class Sys, class S>
concept ode_system = std::default_initializable<Sys> && requires(const Sys& sys, S t, const S* y, const S* p, S* dy) {
  { Sys::n_states } -> std::convertible_to<int>;
  { Sys::n_parameters } -> std::convertible_to<int>;
  { Sys::n_observables } -> std::convertible_to<int>;
  { Sys::state_names } -> std::convertible_to<const char*>;
  { Sys::parameter_names } -> std::convertible_to<const char*>;
  { Sys::observable_names } -> std::convertible_to<const char*>;
  sys.rhs(t, y, p, dy);
} && (Sys::n_states > 0) && (Sys::n_parameters >= 0) && (Sys::n_observables >= 0) &&
    (Sys::n_observables == 0 || requires(const Sys& sys, S t, const S* y, const S* p, S* o) {
      sys.observables(t, y, p, o);
    });
#endif

/// Calls sys.observables() when the system has observables; a no-op otherwise.
template <class Sys, class S>
CUBIE_HD CUBIE_FORCEINLINE void compute_observables(const Sys& sys, S t, const S* y, const S* p, S* out) {
  if constexpr (Sys::n_observables > 0) sys.observables(t, y, p, out);
}

}  // namespace cubie
