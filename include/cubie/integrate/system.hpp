// cubie/integrate/system.hpp
// What an ODE system is to cubie: a functor templated on the arithmetic type S (float,
// double, or a SIMD pack of either) that computes dy/dt and, optionally, observables,
// reads interpolated driver signals and declares events.
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
//
// Drivers (interpolated signals, integrate/drivers.hpp). A system that reads them declares
//     static constexpr int n_drivers = 1;
//     static constexpr const char* driver_names = "u";
// and every member gains the argument `const S* u` after p: u[k] is driver k at time t,
// evaluated by the loop (in the step's arithmetic, at each stage's own time):
//     CUBIE_HD void rhs(S t, const S* y, const S* p, const S* u, S* dydt) const;
//     CUBIE_HD void observables(S t, const S* y, const S* p, const S* u, S* out) const;
// The implicit methods' members (JACOBIAN_CONTRACT: jacobian, jacobian_sparse) take u the
// same way, and df/dt, which through the drivers is the total derivative
// df/dt + sum_k df/du_k du_k/dt, takes their rates as well:
//     CUBIE_HD void time_derivative(S t, const S* y, const S* p, const S* u, const S* dudt,
//                                   S* dfdt) const;
// The loop hands steppers a driven_system (drivers.hpp) that evaluates u (and du/dt for
// time_derivative) and offers the members above without u, so steppers never see drivers.
// The samples, times and interpolation of each driver are solve inputs (solve_spec::drivers).
//
// Events (integrate/events.hpp): a zero crossing of a condition g_e(t, y, p[, u]) in a
// direction, then an action (record, terminate, reset):
//     static constexpr int n_events = 1;
//     static constexpr const char* event_names = "floor";
//     static constexpr cubie::event_kind event_kinds[] = {{cubie::event_direction::down,
//                                                          cubie::event_action::reset}};
//     CUBIE_HD void event_conditions(S t, const S* y, const S* p, S* g) const;  // g[e], every e
//     // only when an event resets: y_new holds y on entry; assign the states that change,
//     // reading the state at the event from y (all assignments see the same old state)
//     CUBIE_HD void event_reset(int e, S t, const S* y, const S* p, S* y_new) const;
// (with drivers, both take `const S* u` after p as above).
#pragma once
#include "../core/execution_space.hpp"
#include "event_args.hpp"

#if CUBIE_HAS_HOST_STDLIB()
#include <concepts>
#endif

namespace cubie {

/// The number of driver signals Sys reads (0 when it declares none).
template <class Sys>
CUBIE_HD constexpr int n_drivers_of() {
  if constexpr (requires { Sys::n_drivers; }) return Sys::n_drivers;
  else return 0;
}

/// The number of events Sys declares (0 when it declares none).
template <class Sys>
CUBIE_HD constexpr int n_events_of() {
  if constexpr (requires { Sys::n_events; }) return Sys::n_events;
  else return 0;
}

/// Whether any event of Sys resets the state (then Sys has event_reset).
template <class Sys>
CUBIE_HD constexpr bool resets_state() {
  if constexpr (n_events_of<Sys>() > 0) {
    for (int e = 0; e < Sys::n_events; ++e)
      if (Sys::event_kinds[e].action == event_action::reset) return true;
  }
  return false;
}

#if CUBIE_HAS_HOST_STDLIB()
namespace system_detail {

template <class Sys, class S>
concept right_hand_side = (n_drivers_of<Sys>() == 0 && requires(const Sys& sys, S t, const S* y, const S* p, S* dy) {
                            sys.rhs(t, y, p, dy);
                          }) || (n_drivers_of<Sys>() > 0 && requires(const Sys& sys, S t, const S* y, const S* p,
                                                                       const S* u, S* dy) { sys.rhs(t, y, p, u, dy); });

template <class Sys, class S>
concept observables_if_any =
    Sys::n_observables == 0 ||
    (n_drivers_of<Sys>() == 0 && requires(const Sys& sys, S t, const S* y, const S* p, S* o) {
      sys.observables(t, y, p, o);
    }) || (n_drivers_of<Sys>() > 0 && requires(const Sys& sys, S t, const S* y, const S* p, const S* u, S* o) {
      sys.observables(t, y, p, u, o);
    });

template <class Sys>
concept declares_drivers_if_any = n_drivers_of<Sys>() == 0 || requires {
  { Sys::driver_names } -> std::convertible_to<const char*>;
};

template <class Sys, class S>
concept events_if_any =
    n_events_of<Sys>() == 0 ||
    (requires {
       { Sys::event_names } -> std::convertible_to<const char*>;
       { Sys::event_kinds[0] } -> std::convertible_to<event_kind>;
     } && ((n_drivers_of<Sys>() == 0 && requires(const Sys& sys, S t, const S* y, const S* p, S* g) {
             sys.event_conditions(t, y, p, g);
           }) || (n_drivers_of<Sys>() > 0 && requires(const Sys& sys, S t, const S* y, const S* p, const S* u, S* g) {
             sys.event_conditions(t, y, p, u, g);
           })) &&
     (!resets_state<Sys>() ||
      (n_drivers_of<Sys>() == 0 && requires(const Sys& sys, int e, S t, const S* y, const S* p, S* yn) {
        sys.event_reset(e, t, y, p, yn);
      }) || (n_drivers_of<Sys>() > 0 && requires(const Sys& sys, int e, S t, const S* y, const S* p, const S* u, S* yn) {
        sys.event_reset(e, t, y, p, u, yn);
      })));

}  // namespace system_detail

template <class Sys, class S>
concept ode_system = std::default_initializable<Sys> && requires {
  { Sys::n_states } -> std::convertible_to<int>;
  { Sys::n_parameters } -> std::convertible_to<int>;
  { Sys::n_observables } -> std::convertible_to<int>;
  { Sys::state_names } -> std::convertible_to<const char*>;
  { Sys::parameter_names } -> std::convertible_to<const char*>;
  { Sys::observable_names } -> std::convertible_to<const char*>;
} && (Sys::n_states > 0) && (Sys::n_parameters >= 0) && (Sys::n_observables >= 0) &&
    (n_drivers_of<Sys>() >= 0) && (n_events_of<Sys>() >= 0) && system_detail::right_hand_side<Sys, S> &&
    system_detail::observables_if_any<Sys, S> && system_detail::declares_drivers_if_any<Sys> &&
    system_detail::events_if_any<Sys, S>;
#endif

/// Calls sys.observables() when the system has observables; a no-op otherwise.
template <class Sys, class S>
CUBIE_HD CUBIE_FORCEINLINE void compute_observables(const Sys& sys, S t, const S* y, const S* p, S* out) {
  if constexpr (Sys::n_observables > 0) sys.observables(t, y, p, out);
}

}  // namespace cubie
