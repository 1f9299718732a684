// tests/models/time_terms_check.hpp
// The stage-time terms of generated models (codegen.cpp time_terms, rosenbrock_stepper.hpp
// CUBIE_STAGE_TIME_TERMS): rhs_with_time_terms fed time_terms(t) is rhs, bit for bit, and
// Rodas5P steps of the ring modulator that take the terms precomputed land on the same bits
// as steps that call rhs at every stage. Included by one test file per placement (1, 2), each
// compiled with its own CUBIE_STAGE_TIME_TERMS; the systems are local to each file's
// anonymous namespace so the two stepper builds never meet.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "cubie/core/fixed_vector.hpp"
#include "cubie/integrate/methods/rodas5p.hpp"
#include "cubie/integrate/rosenbrock_stepper.hpp"
#include "jacobian_check.hpp"
#include "ring_modulator.hpp"

namespace cubie::models::testing {
namespace {

// The generated ring modulator as it is, and the same without its terms (n_time_terms = 0:
// the stepper calls rhs at every stage).
struct ring_with_terms : gen_ring_modulator<double> {};
struct ring_without_terms : gen_ring_modulator<double> {
  static constexpr int n_time_terms = 0;
};

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

[[maybe_unused]] void expect_time_terms_are_rhs() {
  static_assert(gen_ring_modulator<double>::n_time_terms == 2, "the ring's f reads sin(w1 t) and sin(w2 t)");
  const gen_ring_modulator<double> sys;
  const double p[1] = {2e-12};
  std::mt19937 rng(8);
  const sampling points = ring_modulator_points();
  for (int k = 0; k < 200; ++k) {
    const sample s = points.draw(rng);
    double tt[2], f[15], g[15];
    sys.time_terms(s.t, s.y.data(), p, tt);
    sys.rhs_with_time_terms(s.t, s.y.data(), p, tt, f);
    sys.rhs(s.t, s.y.data(), p, g);
    for (int i = 0; i < 15; ++i) EXPECT_TRUE(same_bits(f[i], g[i])) << "t = " << s.t << ", f[" << i << "]";
  }
}

// Steps of the ring from its initial state (all zero) at Cs = 2e-13 (the sweep's stiffest),
// each trial from the last accepted point, h halved on rejection and grown on acceptance
// (errors judged at 1e-6, as the benchmark solves): the two systems' proposals and error norms
// must agree to the bit at every trial, so both take the same path.
void expect_steps_agree() {
  using stepper = rosenbrock_stepper<methods::rodas5p, double, 15>;
  static_assert(stepper::tableau.c[5] == 1.0 && stage_time_count(stepper::tableau) == 5,
                "Rodas5P evaluates f at 5 distinct stage times");
  const ring_with_terms with;
  const ring_without_terms without;
  const fixed_vector<double, 1> p{2e-13};
  fixed_vector<double, 15> y{};
  double t = 0.0, h = 1e-10;
  stepper a, b;
  a.start(with, t, y, p);
  b.start(without, t, y, p);
  double tol[15];
  for (double& v : tol) v = 1e-6;
  int accepted = 0;
  for (int k = 0; k < 300; ++k) {
    stepper::work_type wa, wb;
    (void)a.step(with, t, h, y, p, wa);
    (void)b.step(without, t, h, y, p, wb);
    for (int i = 0; i < 15; ++i)
      ASSERT_TRUE(same_bits(a.proposal()[i], b.proposal()[i])) << "trial " << k << ", state " << i;
    const double err = a.error_norm(y, tol, tol);
    ASSERT_TRUE(same_bits(err, b.error_norm(y, tol, tol))) << "trial " << k;
    EXPECT_EQ(wa.rhs_evaluations, wb.rhs_evaluations);
    if (err <= 1.0) {
      y = a.proposal();
      t += h;
      h *= 1.5;
      ++accepted;
    } else {
      h *= 0.5;
    }
  }
  // The run went somewhere: into the drive's first microsecond with moving, finite states.
  EXPECT_GT(accepted, 150);
  EXPECT_GT(t, 1e-8);
  for (int i = 0; i < 15; ++i) EXPECT_TRUE(std::isfinite(y[i])) << "state " << i;
  EXPECT_NE(y[6], 0.0);
}

}  // namespace
}  // namespace cubie::models::testing
