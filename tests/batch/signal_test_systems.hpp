// tests/batch/signal_test_systems.hpp
// Systems with drivers and events for the batch tests, and their compiled forms
// (signal_test_systems*.cpp, one file per system so they build in parallel).
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"
#include "cubie/integrate/system.hpp"

namespace cubie::test {

/// x' = k u(t) (so x is k times the integral of the driver), with u as an observable and
/// an event when x rises through 1.
template <class S>
struct integrated_driver {
  static constexpr int n_states = 1, n_parameters = 1, n_observables = 1, n_drivers = 1, n_events = 1;
  static constexpr const char* state_names = "x";
  static constexpr const char* parameter_names = "k";
  static constexpr const char* observable_names = "u_now";
  static constexpr const char* driver_names = "u";
  static constexpr const char* event_names = "x_reaches_1";
  static constexpr event_kind event_kinds[] = {{event_direction::up, event_action::record}};
  CUBIE_HD void rhs(S, const S*, const S* p, const S* u, S* dydt) const { dydt[0] = p[0] * u[0]; }
  CUBIE_HD void observables(S, const S*, const S*, const S* u, S* out) const { out[0] = u[0]; }
  CUBIE_HD void event_conditions(S, const S* y, const S*, const S*, S* g) const { g[0] = y[0] - S(1.0); }
};

/// A ball under gravity bouncing on the floor h = 0, losing a share of its speed (v -> -e v).
template <class S>
struct bouncing_ball {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 0, n_events = 1;
  static constexpr const char* state_names = "h,v";
  static constexpr const char* parameter_names = "e";
  static constexpr const char* observable_names = "";
  static constexpr const char* event_names = "floor";
  static constexpr event_kind event_kinds[] = {{event_direction::down, event_action::reset}};
  S g = S(9.81);
  CUBIE_HD void rhs(S, const S* y, const S*, S* dydt) const {
    dydt[0] = y[1];
    dydt[1] = -g;
  }
  CUBIE_HD void event_conditions(S, const S* y, const S*, S* out) const { out[0] = y[0]; }
  CUBIE_HD void event_reset(int, S, const S* y, const S* p, S* y_new) const { y_new[1] = -p[0] * y[1]; }
};

/// A body falling from h0: the run ends when it reaches the ground, or at the deadline
/// t = T, whichever comes first.
template <class S>
struct falling_body {
  static constexpr int n_states = 2, n_parameters = 2, n_observables = 0, n_events = 2;
  static constexpr const char* state_names = "h,v";
  static constexpr const char* parameter_names = "g,T";
  static constexpr const char* observable_names = "";
  static constexpr const char* event_names = "ground,deadline";
  static constexpr event_kind event_kinds[] = {{event_direction::down, event_action::terminate},
                                               {event_direction::up, event_action::terminate}};
  CUBIE_HD void rhs(S, const S* y, const S* p, S* dydt) const {
    dydt[0] = y[1];
    dydt[1] = -p[0];
  }
  CUBIE_HD void event_conditions(S t, const S* y, const S* p, S* out) const {
    out[0] = y[0];
    out[1] = t - p[1];
  }
};

/// x'' = -w^2 x: every zero of x (both ways) and every upward zero of v, recorded.
template <class S>
struct oscillator_crossings {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 0, n_events = 2;
  static constexpr const char* state_names = "x,v";
  static constexpr const char* parameter_names = "w";
  static constexpr const char* observable_names = "";
  static constexpr const char* event_names = "x_zero,v_up";
  static constexpr event_kind event_kinds[] = {{event_direction::both, event_action::record},
                                               {event_direction::up, event_action::record}};
  CUBIE_HD void rhs(S, const S* y, const S* p, S* dydt) const {
    dydt[0] = y[1];
    dydt[1] = -p[0] * p[0] * y[0];
  }
  CUBIE_HD void event_conditions(S, const S* y, const S*, S* out) const {
    out[0] = y[0];
    out[1] = y[1];
  }
};

/// Leaky integrate-and-fire: V' = (I - V) / tau, a spike when V rises through 1, then V = 0.
template <class S>
struct integrate_and_fire {
  static constexpr int n_states = 1, n_parameters = 2, n_observables = 0, n_events = 1;
  static constexpr const char* state_names = "V";
  static constexpr const char* parameter_names = "I,tau";
  static constexpr const char* observable_names = "";
  static constexpr const char* event_names = "spike";
  static constexpr event_kind event_kinds[] = {{event_direction::up, event_action::reset}};
  CUBIE_HD void rhs(S, const S* y, const S* p, S* dydt) const { dydt[0] = (p[0] - y[0]) / p[1]; }
  CUBIE_HD void event_conditions(S, const S* y, const S*, S* out) const { out[0] = y[0] - S(1.0); }
  CUBIE_HD void event_reset(int, S, const S*, const S*, S* y_new) const { y_new[0] = S(0.0); }
};

/// Van der Pol (mu a parameter) with the zeros of x (both ways) and y rising through 1.5
/// recorded, against SciPy's solve_ivp(events=...).
template <class S>
struct van_der_pol_events {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 0, n_events = 2;
  static constexpr const char* state_names = "x,y";
  static constexpr const char* parameter_names = "mu";
  static constexpr const char* observable_names = "";
  static constexpr const char* event_names = "x_zero,y_up";
  static constexpr event_kind event_kinds[] = {{event_direction::both, event_action::record},
                                               {event_direction::up, event_action::record}};
  CUBIE_HD void rhs(S, const S* y, const S* p, S* dydt) const {
    dydt[0] = y[1];
    dydt[1] = p[0] * (S(1.0) - y[0] * y[0]) * y[1] - y[0];
  }
  CUBIE_HD void event_conditions(S, const S* y, const S*, S* out) const {
    out[0] = y[0];
    out[1] = y[1] - S(1.5);
  }
};

/// dormand_prince_54 and classical_rk4 in float and double.
const std::shared_ptr<const compiled_system>& integrated_driver_system();
const std::shared_ptr<const compiled_system>& bouncing_ball_system();
/// dormand_prince_54 and classical_rk4 in float and double.
const std::shared_ptr<const compiled_system>& falling_body_system();
/// dormand_prince_54 in double.
const std::shared_ptr<const compiled_system>& oscillator_crossings_system();
const std::shared_ptr<const compiled_system>& integrate_and_fire_system();
const std::shared_ptr<const compiled_system>& van_der_pol_events_system();

}  // namespace cubie::test
