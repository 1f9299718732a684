// bench/signals/signals_bench_cases.hpp
// The drivers and events benchmarks (issue 10), run by the GPU bench (--only DRV,EVT) and
// the CPU bench (signals_cpu_bench) on the same definitions:
//   DRV  x'' + 0.1 x' + x = A f(t), t in [0, 10], A = linspace(0.5, 2, N), x0 = (0, 0), final
//        state: f = sin(1.3 t) in the equations, against f = a cubic spline (not-a-knot,
//        wrap = false) through 10,000 samples of sin(1.3 t) on [0, 10] shared by every run;
//        classical_rk4 (dt = 1/256: every run in step) and dormand_prince_54 (tol 1e-6 in
//        float32, 1e-9 in float64: runs drift apart); the ratio of the times is the
//        driver's cost against sin (goal <= 1.5), and the spline's error at the final state.
//   EVT  the bouncing ball: h0 = linspace(1, 1.15, N), v0 = 0, e = 0.95, g = 9.81, t in
//        [0, 17.5] (past the 50th bounce of every run, before the bounces accumulate at
//        t1 (1 + e) / (1 - e)), max_events = 50 (times and ids; save_event_states off),
//        dormand_prince_54 at tol 1e-10 (float64) and 1e-6 (float32): the error of the
//        logged bounce times against the analytic ones, and the throughput.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "signals_bench_systems.hpp"

namespace cubie::bench {

struct signal_case_result {
  double first_ms = 0, steady_ms = 0;
  SolveResult result;
};

inline signal_case_result run_signal_case(Solver& solver, const batch_grid& grid, const solve_spec& spec, int reps) {
  using clock = std::chrono::steady_clock;
  signal_case_result m;
  auto t0 = clock::now();
  solver.solve_into(m.result, grid, spec);
  m.first_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
  std::vector<double> times;
  for (int i = 0; i < std::max(reps, 1); ++i) {
    t0 = clock::now();
    solver.solve_into(m.result, grid, spec);
    times.push_back(std::chrono::duration<double, std::milli>(clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  m.steady_ms = times[times.size() / 2];
  return m;
}

inline solver_settings signal_settings(const char* backend, const char* algorithm, precision p, double dt_or_tol) {
  solver_settings s;
  s.backend = backend;
  s.algorithm = algorithm;
  s.precision = p;
  if (std::string(algorithm) == "classical_rk4") {
    s.dt = dt_or_tol;
  } else {
    s.atol = {dt_or_tol};
    s.rtol = {dt_or_tol};
  }
  return s;
}

/// 10,000 samples of sin(1.3 t) on [0, 10], a not-a-knot cubic spline, zero outside.
inline driver_signal sine_samples() {
  driver_signal d;
  d.name = "u";
  d.wrap = false;
  d.boundary = spline_boundary::not_a_knot;
  constexpr int n = 10'000;
  d.dt = 10.0 / (n - 1);
  for (int k = 0; k < n; ++k) d.samples.push_back(std::sin(1.3 * (10.0 * k / (n - 1))));
  return d;
}

inline void run_driver_cases(const char* backend, const signal_bench_systems& sys, std::int64_t n, int reps) {
  std::vector<double> amplitude(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) amplitude[static_cast<std::size_t>(r)] = 0.5 + 1.5 * double(r) / double(std::max<std::int64_t>(n - 1, 1));
  const batch_grid grid = batch_grid::build(sys.sine->info, {{"x", {0.0}}, {"v", {0.0}}}, {{"A", amplitude}});
  solve_spec spec;
  spec.duration = 10.0;
  spec.save_initial = false;
  spec.save_counters = false;
  spec.save_t_reached = false;
  solve_spec driven = spec;
  driven.drivers = {sine_samples()};
  std::printf("DRV  forced oscillator, N = %lld, t in [0, 10], final state; driver: 10,000-sample cubic spline shared by "
              "every run\n",
              static_cast<long long>(n));
  std::printf("%-30s %10s %12s %12s %9s %14s\n", "case", "sin(t) ms", "spline ms", "spline/sin", "steps/run",
              "max |dx| spline");
  for (precision p : {precision::float32, precision::float64}) {
    for (const char* algorithm : {"classical_rk4", "dormand_prince_54"}) {
      const bool rk4 = algorithm[0] == 'c';
      const double knob = rk4 ? 1.0 / 256 : (p == precision::float32 ? 1e-6 : 1e-9);
      Solver a(sys.sine, signal_settings(backend, algorithm, p, knob));
      Solver b(sys.spline, signal_settings(backend, algorithm, p, knob));
      solve_spec counted = spec, counted_driven = driven;
      counted.save_counters = counted_driven.save_counters = !rk4;
      const signal_case_result ra = run_signal_case(a, grid, counted, reps);
      const signal_case_result rb = run_signal_case(b, grid, counted_driven, reps);
      double steps = rk4 ? 2560 : 0, diff = 0;
      if (!rk4) {
        for (std::int64_t r = 0; r < n; ++r) steps += double(ra.result.steps_accepted()[r] + ra.result.steps_rejected()[r]);
        steps /= double(n);
      }
      for (std::int64_t r = 0; r < n; r += std::max<std::int64_t>(1, n / 4096))
        diff = std::max(diff, std::fabs(ra.result.at(0, 0, r) - rb.result.at(0, 0, r)));
      const std::string label = std::string(rk4 ? "rk4 dt=1/256 " : "dopri54 ") + precision_name(p);
      std::printf("%-30s %10.2f %12.2f %12.3f %9.1f %14.2e\n", label.c_str(), ra.steady_ms, rb.steady_ms,
                  rb.steady_ms / ra.steady_ms, steps, diff);
      std::fflush(stdout);
    }
  }
}

inline void run_event_cases(const char* backend, const signal_bench_systems& sys, std::int64_t n, int reps) {
  std::vector<double> h0(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) h0[static_cast<std::size_t>(r)] = 1.0 + 0.15 * double(r) / double(std::max<std::int64_t>(n - 1, 1));
  const double e = 0.95, g = 9.81;
  const batch_grid grid = batch_grid::build(sys.ball->info, {{"h", h0}, {"v", {0.0}}}, {{"e", {e}}});
  solve_spec spec;
  spec.duration = 17.5;
  spec.save_initial = false;
  spec.save_t_reached = false;
  spec.max_events = 50;
  spec.save_event_states = false;
  std::printf("EVT  bouncing ball with reset, N = %lld, e = 0.95, t in [0, 17.5], 50 bounces logged per run\n",
              static_cast<long long>(n));
  std::printf("%-24s %10s %12s %10s %10s %14s %14s %8s\n", "case", "first ms", "steady ms", "M runs/s",
              "steps/run", "max rel err", "mean rel err", "failed");
  for (precision p : {precision::float64, precision::float32}) {
    const double tol = p == precision::float64 ? 1e-10 : 1e-6;
    Solver solver(sys.ball, signal_settings(backend, "dormand_prince_54", p, tol));
    const signal_case_result m = run_signal_case(solver, grid, spec, reps);
    const SolveResult& res = m.result;
    const auto* times = static_cast<const double*>(res.array_data(output_id::event_times));
    double max_err = 0, sum_err = 0, steps = 0;
    std::int64_t compared = 0, short_runs = 0;
    for (std::int64_t r = 0; r < n; ++r) {
      steps += double(res.steps_accepted()[r] + res.steps_rejected()[r]);
      if (res.event_counts()[r] < 50) ++short_runs;
      if (r % std::max<std::int64_t>(1, n / 65536) != 0) continue;
      const double t1 = std::sqrt(2.0 * h0[static_cast<std::size_t>(r)] / g);
      double at = t1, speed = g * t1;
      for (int k = 0; k < 50; ++k) {
        const double err = std::fabs(times[static_cast<std::int64_t>(k) * n + r] - at) / at;
        max_err = std::max(max_err, err);
        sum_err += err;
        ++compared;
        speed *= e;
        at += 2.0 * speed / g;
      }
    }
    const std::string label = std::string("dopri54 tol=") + (p == precision::float64 ? "1e-10 " : "1e-6 ") + precision_name(p);
    std::printf("%-24s %10.2f %12.2f %10.2f %10.1f %14.2e %14.2e %8lld\n", label.c_str(), m.first_ms, m.steady_ms,
                double(n) / m.steady_ms * 1e-3, steps / double(n), max_err, sum_err / double(std::max<std::int64_t>(compared, 1)),
                static_cast<long long>(res.failed_runs()));
    if (short_runs) std::printf("   %lld runs logged fewer than 50 bounces\n", static_cast<long long>(short_runs));
    std::fflush(stdout);
  }
}

}  // namespace cubie::bench
