// bench/signals/signals_bench_systems.hpp
// The drivers and events benchmarks' systems (issue 10): a damped oscillator forced by
// sin(w t) written in the equations, the same oscillator forced by a sampled sin(w t)
// through a cubic-spline driver, and the bouncing ball with a reset at every impact.
// signals_bench_cases.hpp runs them; the GPU bench compiles them in a .cu file, the CPU
// bench in a .cpp file (SIMD packs).
#pragma once
#include <memory>

#include "cubie/core/math.hpp"
#include "cubie/execution/compiled_system.hpp"
#include "cubie/integrate/system.hpp"

namespace cubie::bench {

/// x'' + c x' + k x = A sin(w t): A a parameter, c = 0.1, k = 1, w = 1.3.
template <class S>
struct sine_forced_oscillator {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 0;
  static constexpr const char* name = "sine_forced_oscillator";
  static constexpr const char* state_names = "x,v";
  static constexpr const char* parameter_names = "A";
  static constexpr const char* observable_names = "";
  S c = S(0.1), k = S(1.0), w = S(1.3);
  CUBIE_HD void rhs(S t, const S* y, const S* p, S* dydt) const {
    dydt[0] = y[1];
    dydt[1] = p[0] * math::sin(w * t) - c * y[1] - k * y[0];
  }
};

/// The same oscillator forced by A u(t), u an interpolated driver (sin(w t) sampled).
template <class S>
struct spline_forced_oscillator {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 0, n_drivers = 1;
  static constexpr const char* name = "spline_forced_oscillator";
  static constexpr const char* state_names = "x,v";
  static constexpr const char* parameter_names = "A";
  static constexpr const char* observable_names = "";
  static constexpr const char* driver_names = "u";
  S c = S(0.1), k = S(1.0);
  CUBIE_HD void rhs(S, const S* y, const S* p, const S* u, S* dydt) const {
    dydt[0] = y[1];
    dydt[1] = p[0] * u[0] - c * y[1] - k * y[0];
  }
};

/// A ball bouncing on the floor h = 0 with restitution e (a parameter): v -> -e v.
template <class S>
struct bench_bouncing_ball {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 0, n_events = 1;
  static constexpr const char* name = "bouncing_ball";
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

/// The three systems compiled for classical_rk4 and dormand_prince_54 in float and double.
struct signal_bench_systems {
  std::shared_ptr<const compiled_system> sine, spline, ball;
};

}  // namespace cubie::bench
