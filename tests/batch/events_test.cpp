// Events through the Solver on the CPU backend (SIMD packs, every lane its own events):
// analytic event times (a falling body, the zeros of a harmonic oscillator, a bouncing
// ball, an integrate-and-fire neuron), Van der Pol against SciPy's solve_ivp(events=...),
// terminate and reset semantics, the earliest action winning, log order and overflow, lane
// independence, chunking and storage reuse.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "signal_test_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
constexpr double g_earth = 9.81;

solver_settings settings(const char* algorithm, precision p, double tol) {
  solver_settings s;
  s.algorithm = algorithm;
  s.precision = p;
  s.backend = "cpu";
  s.atol = {tol};
  s.rtol = {tol};
  return s;
}

bool same_bytes(const SolveResult& a, const SolveResult& b) {
  if (a.outputs().arrays.size() != b.outputs().arrays.size() || a.n_runs() != b.n_runs()) return false;
  for (const output_array& arr : a.outputs().arrays) {
    const std::size_t bytes = static_cast<std::size_t>(arr.values_per_run() * a.n_runs()) * arr.element_bytes(a.precision());
    if (std::memcmp(a.array_data(arr.id), b.array_data(arr.id), bytes) != 0) {
      ADD_FAILURE() << arr.name << " differs";
      return false;
    }
  }
  return true;
}

// ---- bouncing ball ---------------------------------------------------------------------

// Bounce k (k = 0, 1, ...) of a ball dropped from h0 at rest: the first impact at
// sqrt(2 h0 / g) with speed v1 = g t1, then flights of 2 e^k v1 / g.
std::vector<double> bounce_times(double h0, double e, int n) {
  std::vector<double> t;
  const double t1 = std::sqrt(2.0 * h0 / g_earth), v1 = g_earth * t1;
  double at = t1, speed = v1;
  for (int k = 0; k < n; ++k) {
    t.push_back(at);
    speed *= e;
    at += 2.0 * speed / g_earth;
  }
  return t;
}

struct ball_case {
  const char* algorithm;
  precision p;
  double tol;       // solver tolerance (or the fixed step for rk4)
  double time_tol;  // allowed event-time error, relative to the time
};

class BouncingBall : public ::testing::TestWithParam<ball_case> {};

TEST_P(BouncingBall, BounceTimesAreAnalytic) {
  const ball_case c = GetParam();
  solver_settings s = settings(c.algorithm, c.p, c.tol);
  if (std::string(c.algorithm) == "classical_rk4") s.dt = c.tol;
  Solver solver(bouncing_ball_system(), s);
  std::vector<double> h0;
  for (int r = 0; r < 13; ++r) h0.push_back(1.0 + 0.7 * r);  // 13 runs: the last SIMD pack is partial
  // The bounces accumulate at t1 (1 + e) / (1 - e) (8.6 s for h0 = 1): stop before that.
  const double e = 0.9;
  solve_spec spec{.duration = 8.0, .save_every = 0.5};
  spec.max_events = 30;
  const SolveResult res = solver.solve({{"h", h0}, {"v", {0.0}}}, {{"e", {e}}}, spec);
  for (std::size_t r = 0; r < h0.size(); ++r) {
    SCOPED_TRACE("run " + std::to_string(r));
    ASSERT_EQ(res.status()[r], 0u);
    const std::vector<double> expected = bounce_times(h0[r], e, 200);
    std::size_t n_expected = 0;
    while (n_expected < expected.size() && expected[n_expected] <= 8.0) ++n_expected;
    ASSERT_LT(n_expected, 30u);
    EXPECT_EQ(res.event_counts()[r], n_expected);
    const std::vector<event_occurrence> ev = res.events(static_cast<std::int64_t>(r));
    ASSERT_EQ(ev.size(), std::min<std::size_t>(n_expected, 30));
    double speed = g_earth * expected[0];
    for (std::size_t k = 0; k < ev.size(); ++k) {
      EXPECT_NEAR(ev[k].time, expected[k], c.time_tol * expected[k]) << "bounce " << k;
      EXPECT_EQ(ev[k].event, 0);
      EXPECT_NEAR(ev[k].state[0], 0.0, 20 * c.time_tol * h0[r]);             // on the floor
      EXPECT_NEAR(ev[k].state[1], -speed, 20 * c.time_tol * speed + 1e-12);  // before the reset
      speed *= e;
    }
    // Between bounces the saved heights follow the parabola of the current flight.
    const std::vector<double> h = res.series("h", static_cast<std::int64_t>(r));
    for (std::int64_t j = 0; j < res.n_saves(); ++j) {
      const double t = res.times()[static_cast<std::size_t>(j)];
      EXPECT_GE(h[j], -1e3 * c.time_tol * h0[r]) << "t = " << t;  // never below the floor
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Methods, BouncingBall,
    ::testing::Values(ball_case{"dormand_prince_54", precision::float64, 1e-10, 1e-12},
                      ball_case{"classical_rk4", precision::float64, 0.01, 1e-12},
                      ball_case{"dormand_prince_54", precision::float32, 1e-6, 2e-5}),
    [](const auto& info) {
      return std::string(info.param.algorithm == std::string("classical_rk4") ? "rk4" : "dopri5") +
             (info.param.p == precision::float32 ? "_float" : "_double");
    });

TEST(BouncingBallLanes, EachRunAloneEqualsTheBatch) {
  // Lanes of a SIMD pack have their own events: a run gives the same bits alone as among
  // neighbours whose bounces fall elsewhere.
  Solver solver(bouncing_ball_system(), settings("dormand_prince_54", precision::float64, 1e-8));
  solve_spec spec{.duration = 8.0, .save_every = 0.5};
  std::vector<double> h0 = {1.0, 3.5, 0.2, 7.0, 2.2, 5.0, 0.9};
  const SolveResult batch = solver.solve({{"h", h0}, {"v", {0.0}}}, {{"e", {0.8}}}, spec);
  for (std::size_t r = 0; r < h0.size(); ++r) {
    const SolveResult alone = solver.solve({{"h", {h0[r]}}, {"v", {0.0}}}, {{"e", {0.8}}}, spec);
    const std::vector<event_occurrence> a = alone.events(0), b = batch.events(static_cast<std::int64_t>(r));
    ASSERT_EQ(a.size(), b.size()) << "run " << r;
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].time, b[k].time) << "run " << r << " event " << k;
      EXPECT_EQ(a[k].state, b[k].state);
    }
    EXPECT_EQ(alone.series("h", 0), batch.series("h", static_cast<std::int64_t>(r)));
  }
}

TEST(BouncingBallChunks, ChunkedEqualsUnchunkedAndStorageIsReused) {
  std::vector<double> h0;
  for (int r = 0; r < 29; ++r) h0.push_back(0.5 + 0.31 * r);
  solve_spec spec{.duration = 6.0, .save_every = 0.25};
  spec.max_events = 8;
  solver_settings whole = settings("dormand_prince_54", precision::float64, 1e-8), chunked = whole;
  chunked.memory.max_chunk_runs = 5;
  Solver a(bouncing_ball_system(), whole), b(bouncing_ball_system(), chunked);
  const SolveResult ra = a.solve({{"h", h0}, {"v", {0.0}}}, {{"e", {0.7}}}, spec);
  SolveResult rb = b.solve({{"h", h0}, {"v", {0.0}}}, {{"e", {0.7}}}, spec);
  EXPECT_GT(rb.statistics().chunks, 1);
  EXPECT_TRUE(same_bytes(ra, rb));
  // Reused storage: a solve with fewer events leaves no trace of the earlier one.
  std::vector<double> low(h0.size(), 0.05);
  b.solve_into(rb, batch_grid::build(b.system(), {{"h", low}, {"v", {4.0}}}, {{"e", {0.1}}}), spec);
  const SolveResult fresh = a.solve({{"h", low}, {"v", {4.0}}}, {{"e", {0.1}}}, spec);
  EXPECT_TRUE(same_bytes(fresh, rb));
  const auto* times = static_cast<const double*>(rb.array_data(output_id::event_times));
  const auto* ids = static_cast<const u32*>(rb.array_data(output_id::event_ids));
  for (std::int64_t r = 0; r < rb.n_runs(); ++r) {
    for (std::int64_t j = rb.event_counts()[static_cast<std::size_t>(r)]; j < 8; ++j) {
      EXPECT_TRUE(std::isnan(times[j * rb.n_runs() + r]));
      EXPECT_EQ(ids[j * rb.n_runs() + r], 0xffffffffu);
    }
  }
}

// ---- falling body: terminate -----------------------------------------------------------

template <class V>
class FallingBody : public ::testing::Test {};
using precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FallingBody, precisions);

TYPED_TEST(FallingBody, GroundEndsTheRunSuccessfully) {
  constexpr bool is_float = sizeof(TypeParam) == 4;
  Solver solver(falling_body_system(),
                settings("dormand_prince_54", is_float ? precision::float32 : precision::float64, is_float ? 1e-6 : 1e-10));
  const std::vector<double> h0 = {1.0, 2.0, 5.0, 10.0, 20.0, 45.0, 80.0, 125.0, 3.3};
  solve_spec spec{.duration = 5.0, .save_every = 0.25};
  const SolveResult res = solver.solve({{"h", h0}, {"v", {0.0}}}, {{"g", {g_earth}}, {"T", {100.0}}}, spec);
  const double rel = is_float ? 1e-6 : 1e-12;
  for (std::size_t r = 0; r < h0.size(); ++r) {
    SCOPED_TRACE("run " + std::to_string(r));
    const double t_hit = std::sqrt(2.0 * h0[r] / g_earth);
    EXPECT_EQ(res.status()[r], 0u);  // a terminating event is a success
    if (t_hit > 5.0) {
      EXPECT_TRUE(std::isnan(res.event_terminated()[r]));
      EXPECT_EQ(res.event_counts()[r], 0u);
      EXPECT_DOUBLE_EQ(res.t_reached()[r], 5.0);
      continue;
    }
    EXPECT_NEAR(res.event_terminated()[r], t_hit, rel * t_hit);
    EXPECT_EQ(res.t_reached()[r], res.event_terminated()[r]);
    const std::vector<event_occurrence> ev = res.events(static_cast<std::int64_t>(r));
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].event, 0);
    EXPECT_EQ(ev[0].time, res.event_terminated()[r]);
    EXPECT_NEAR(ev[0].state[1], -g_earth * t_hit, rel * 10 * g_earth * t_hit);
    const std::vector<double> h = res.series("h", static_cast<std::int64_t>(r));
    for (std::int64_t j = 0; j < res.n_saves(); ++j) {
      const double t = res.times()[static_cast<std::size_t>(j)];
      if (t <= res.event_terminated()[r]) {
        EXPECT_NEAR(h[j], h0[r] - 0.5 * g_earth * t * t, rel * 10 * h0[r]) << "t = " << t;
      } else {
        EXPECT_TRUE(std::isnan(h[j])) << "t = " << t << ": saves after the end hold NaN";
      }
    }
  }
}

TEST(FallingBodyEarliest, TheEarliestTerminatingEventWins) {
  // Fixed steps of 1: both events fall in one step; the earlier one ends the run.
  solver_settings s = settings("classical_rk4", precision::float64, 1e-10);
  s.dt = 1.0;
  Solver solver(falling_body_system(), s);
  const double h0 = 0.5 * g_earth * 2.5 * 2.5;  // the ground at t = 2.5
  solve_spec spec{.duration = 4.0, .save_every = 4.0};
  const SolveResult res = solver.solve({{"h", {h0}}, {"v", {0.0}}}, {{"g", {g_earth}}, {"T", {2.2, 2.8, 2.5}}}, spec);
  EXPECT_NEAR(res.event_terminated()[0], 2.2, 1e-12);
  EXPECT_EQ(res.events(0).at(0).event, 1);  // deadline
  EXPECT_NEAR(res.event_terminated()[1], 2.5, 1e-12);
  EXPECT_EQ(res.events(1).at(0).event, 0);  // ground
  // Both at once: the lower index wins.
  EXPECT_NEAR(res.event_terminated()[2], 2.5, 1e-12);
  EXPECT_EQ(res.events(2).at(0).event, 0);
  // Only what took effect is logged: the deadline's crossing at the same instant did nothing.
  for (int r = 0; r < 3; ++r) EXPECT_EQ(res.events(r).size(), 1u);
}

// ---- harmonic oscillator: record, order, overflow -------------------------------------

TEST(OscillatorCrossings, ZerosAreAnalyticAndLoggedInOrder) {
  Solver solver(oscillator_crossings_system(), settings("dormand_prince_54", precision::float64, 1e-11));
  const std::vector<double> w = {1.0, 2.5, 0.7, 4.0, 1.3};
  solve_spec spec{.duration = 20.0};
  spec.max_events = 12;
  const SolveResult res = solver.solve({{"x", {1.0}}, {"v", {0.0}}}, {{"w", w}}, spec);
  for (std::size_t r = 0; r < w.size(); ++r) {
    SCOPED_TRACE("run " + std::to_string(r));
    // x = cos(w t): zeros of x at (k + 1/2) pi / w; v = -w sin(w t) rises through 0 at
    // (2k + 1) pi / w (not at t = 0, where it starts on zero and falls).
    std::vector<std::pair<double, int>> expected;
    for (int k = 0; k < 100; ++k) {
      const double tx = (k + 0.5) * std::numbers::pi / w[r], tv = (2 * k + 1) * std::numbers::pi / w[r];
      if (tx <= 20.0) expected.push_back({tx, 0});
      if (tv <= 20.0) expected.push_back({tv, 1});
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(res.event_counts()[r], expected.size());
    const std::vector<event_occurrence> ev = res.events(static_cast<std::int64_t>(r));
    ASSERT_EQ(ev.size(), std::min<std::size_t>(expected.size(), 12));
    for (std::size_t k = 0; k < ev.size(); ++k) {
      EXPECT_NEAR(ev[k].time, expected[k].first, 1e-9) << "event " << k;
      EXPECT_EQ(ev[k].event, expected[k].second) << "event " << k;
    }
  }
}

TEST(OscillatorCrossings, LargeStepsKeepTimeOrderWithinAStep) {
  // Fixed steps of 0.6 hold several crossings (pi / 6 apart at times): the log stays in time
  // order and the crossings stay accurate to the interpolant.
  solver_settings s = settings("dormand_prince_54", precision::float64, 1e-3);
  s.step_controller = "fixed";
  s.dt = 0.6;
  Solver solver(oscillator_crossings_system(), s);
  solve_spec spec{.duration = 30.0};
  spec.max_events = 64;
  const SolveResult res = solver.solve({{"x", {1.0}}, {"v", {0.0}}}, {{"w", {3.0}}}, spec);
  const std::vector<event_occurrence> ev = res.events(0);
  ASSERT_GT(ev.size(), 40u);
  for (std::size_t k = 1; k < ev.size(); ++k) EXPECT_LT(ev[k - 1].time, ev[k].time) << k;
  for (const event_occurrence& e : ev) {
    const double period = e.event == 0 ? std::numbers::pi / 3.0 : 2.0 * std::numbers::pi / 3.0;
    const double phase = e.event == 0 ? 0.5 * std::numbers::pi / 3.0 : std::numbers::pi / 3.0;
    const double k = std::round((e.time - phase) / period);
    EXPECT_NEAR(e.time, phase + k * period, 0.15);  // fixed steps this large drift in phase
    // The crossing itself is located on the interpolant to rounding: its condition is 0 there.
    EXPECT_NEAR(e.state[static_cast<std::size_t>(e.event)], 0.0, 1e-12);
  }
  int shared_steps = 0;  // consecutive crossings inside one step
  for (std::size_t k = 1; k < ev.size(); ++k) shared_steps += std::floor(ev[k - 1].time / 0.6) == std::floor(ev[k].time / 0.6);
  EXPECT_GE(shared_steps, 3);
}

// ---- integrate-and-fire: reset ---------------------------------------------------------

TEST(IntegrateAndFire, SpikesArePeriodic) {
  Solver solver(integrate_and_fire_system(), settings("dormand_prince_54", precision::float64, 1e-11));
  const std::vector<double> I = {1.5, 2.0, 1.1, 3.0, 1.25, 5.0};
  solve_spec spec{.duration = 10.0};
  spec.max_events = 40;
  spec.save_event_states = false;
  const SolveResult res = solver.solve({{"V", {0.0}}}, {{"I", I}, {"tau", {0.8}}}, spec);
  EXPECT_FALSE(res.outputs().has(output_id::event_states));
  for (std::size_t r = 0; r < I.size(); ++r) {
    const double period = 0.8 * std::log(I[r] / (I[r] - 1.0));
    const auto n = static_cast<std::uint32_t>(std::floor(10.0 / period));
    EXPECT_EQ(res.event_counts()[r], n) << "run " << r;
    const std::vector<event_occurrence> ev = res.events(static_cast<std::int64_t>(r));
    // The cubic Hermite interpolant bounds the accuracy: about tol^(4/5) per crossing.
    for (std::size_t k = 0; k < ev.size(); ++k) EXPECT_NEAR(ev[k].time, (k + 1) * period, 2e-8 * (k + 1)) << r << " " << k;
  }
}

// ---- Van der Pol against SciPy ---------------------------------------------------------

TEST(VanDerPolEvents, MatchSciPySolveIvp) {
  std::ifstream in(CUBIE_VDP_EVENTS_REFERENCE);
  ASSERT_TRUE(in) << CUBIE_VDP_EVENTS_REFERENCE;
  std::map<double, std::vector<std::pair<double, int>>> reference;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    double mu, t, x, y;
    int e;
    s >> mu >> e >> t >> x >> y;
    reference[mu].push_back({t, e});
  }
  ASSERT_EQ(reference.size(), 3u);
  std::vector<double> mus;
  for (const auto& [mu, list] : reference) mus.push_back(mu);
  Solver solver(van_der_pol_events_system(), settings("dormand_prince_54", precision::float64, 1e-11));
  solve_spec spec{.duration = 20.0};
  spec.max_events = 32;
  const SolveResult res = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", mus}}, spec);
  for (std::size_t r = 0; r < mus.size(); ++r) {
    SCOPED_TRACE("mu = " + std::to_string(mus[r]));
    const auto& expected = reference[mus[r]];
    const std::vector<event_occurrence> ev = res.events(static_cast<std::int64_t>(r));
    ASSERT_EQ(ev.size(), expected.size());
    for (std::size_t k = 0; k < ev.size(); ++k) {
      EXPECT_NEAR(ev[k].time, expected[k].first, 1e-8) << k;
      EXPECT_EQ(ev[k].event, expected[k].second) << k;
    }
  }
}

TEST(EventsBadInput, ToleranceAndLogSize) {
  Solver solver(bouncing_ball_system(), settings("dormand_prince_54", precision::float64, 1e-8));
  solve_spec spec;
  spec.event_tolerance = -1;
  EXPECT_THROW((void)solver.solve({{"h", {1.0}}, {"v", {0.0}}}, {{"e", {0.9}}}, spec), invalid_argument);
  spec.event_tolerance = 0;
  spec.max_events = 0;  // counted, not logged
  const SolveResult res = solver.solve({{"h", {1.0}}, {"v", {0.0}}}, {{"e", {0.9}}}, spec);
  EXPECT_FALSE(res.outputs().has(output_id::event_times));
  EXPECT_EQ(res.event_counts()[0], 1u);  // duration 1: impacts at 0.45 s and 1.26 s
  EXPECT_TRUE(res.events(0).empty());
}

}  // namespace
