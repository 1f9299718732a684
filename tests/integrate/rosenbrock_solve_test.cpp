// tests/integrate/rosenbrock_solve_test.cpp
// Rosenbrock solves through the Solver (cpu backend, SIMD packs): Robertson's kinetics to
// t = 4e4 and 1e11 with the default settings and against SciPy's Radau at rtol 1e-12; the
// three Jacobian paths (dual numbers, a hand-written dense Jacobian, the sparse interface)
// agree; float32 runs; and the work one step does.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "stiff_references.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

using solve_methods = m::method_list<m::rosenbrock23_sciml, m::rodas5p>;


const std::shared_ptr<const compiled_system>& dual_system() {
  static const auto sys = make_system<robertson, solve_methods, double>();
  return sys;
}
// One method per hand-written Jacobian path keeps the build short: the dense Jacobian with
// rosenbrock23 (which then carries f from its last stage), the sparse interface with rodas5p.
const std::shared_ptr<const compiled_system>& dense_system() {
  static const auto sys = make_system<robertson_with_jacobian, m::method_list<m::rosenbrock23_sciml>, double>();
  return sys;
}
const std::shared_ptr<const compiled_system>& sparse_system() {
  static const auto sys = make_system<robertson_sparse, m::method_list<m::rodas5p>, double>();
  return sys;
}

SolveResult solve_robertson(const std::shared_ptr<const compiled_system>& sys, const solver_settings& s, double T,
                            int runs = 1) {
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = T;
  std::vector<double> k1(runs, 0.04);
  return solver.solve({{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}}, {{"k1", k1}, {"k2", {3e7}}, {"k3", {1e4}}}, spec);
}

solver_settings tight(const char* method) {
  solver_settings s;
  s.algorithm = method;
  s.backend = "cpu";
  s.rtol = {1e-8};
  s.atol = {1e-8, 1e-14, 1e-8};
  return s;
}

/// The error of each state in units of its tolerance, atol_i + rtol |ref_i|, at most `k`.
void expect_near_reference(const SolveResult& r, const solver_settings& s, const double* ref, double k,
                           const std::string& what) {
  const char* names[3] = {"y1", "y2", "y3"};
  for (int i = 0; i < 3; ++i) {
    const double atol = s.atol.size() == 1 ? s.atol[0] : s.atol[i];
    const double scale = atol + s.rtol[0] * std::fabs(ref[i]);
    for (std::size_t run = 0; run < r.final_values(names[i]).size(); ++run) {
      const double v = r.final_values(names[i])[run];
      EXPECT_LE(std::fabs(v - ref[i]) / scale, k) << what << " " << names[i] << " = " << v << ", reference " << ref[i];
    }
  }
}

TEST(RosenbrockSolve, RobertsonAgreesWithRadau) {
  for (const char* method : {"rosenbrock23_sciml", "rodas5p"}) {
    for (double T : {4e4, 1e11}) {
      const SolveResult r = solve_robertson(dual_system(), tight(method), T);
      ASSERT_EQ(r.status()[0], 0u) << method << " to " << T;
      std::printf("%-20s Robertson to %g: %u steps, %u rejected, y = %.10g %.10g %.10g\n", method, T,
                  r.steps_accepted()[0], r.steps_rejected()[0], r.final_values("y1")[0], r.final_values("y2")[0],
                  r.final_values("y3")[0]);
      // The global error within a few times the per-step tolerance.
      expect_near_reference(r, tight(method), T < 1e6 ? robertson_4e4 : robertson_1e11, 5, std::string(method));
    }
  }
}

TEST(RosenbrockSolve, RobertsonWithDefaultSettings) {
  // The first-user case (to 4e4: "max steps", every save NaN, with an explicit method)
  // and the long span whose steps must grow to ~1e10: defaults only (tolerances 1e-6, step
  // bounds from the span, the family's controller).
  for (const char* method : {"rosenbrock23_sciml", "rodas5p"}) {
    for (double T : {4e4, 1e11}) {
      solver_settings s;
      s.algorithm = method;
      s.backend = "cpu";
      const SolveResult r = solve_robertson(dual_system(), s, T);
      EXPECT_EQ(r.status()[0], 0u) << method << " to " << T;
      EXPECT_LT(r.steps_accepted()[0] + r.steps_rejected()[0], 2000u) << method << " to " << T;
      const double* ref = T < 1e6 ? robertson_4e4 : robertson_1e11;
      EXPECT_NEAR(r.final_values("y3")[0], ref[2], 1e-3) << method << " to " << T;
    }
  }
}

TEST(RosenbrockSolve, JacobianPathsAgree) {
  // The hand-written dense Jacobian (rosenbrock23 then carries f from its last stage instead
  // of taking it from the Jacobian's evaluation) and the sparse interface (rodas5p) against
  // dual numbers with the same method: equal to rounding.
  const std::pair<const char*, const std::shared_ptr<const compiled_system>*> paths[] = {
      {"rosenbrock23_sciml", &dense_system()}, {"rodas5p", &sparse_system()}};
  for (const auto& [method, sys] : paths) {
    const SolveResult a = solve_robertson(dual_system(), tight(method), 4e4, 3);
    const SolveResult b = solve_robertson(*sys, tight(method), 4e4, 3);
    for (const char* y : {"y1", "y2", "y3"}) {
      for (int run = 0; run < 3; ++run) {
        const double va = a.final_values(y)[run];
        EXPECT_NEAR(b.final_values(y)[run], va, 1e-9 * std::fabs(va)) << method << " " << y;
      }
    }
    EXPECT_EQ(b.status()[0], 0u);
    // Step counts may differ by a rejection or two where rounding tips a decision.
    EXPECT_NEAR(double(b.steps_accepted()[0]), double(a.steps_accepted()[0]), 0.02 * a.steps_accepted()[0] + 2);
  }
}

TEST(RosenbrockSolve, Float32Robertson) {
  static const auto sys = make_system<robertson, m::method_list<m::rodas5p>, float>();
  solver_settings s;
  s.algorithm = "rodas5p";
  s.backend = "cpu";
  s.precision = precision::float32;
  s.rtol = {1e-5};
  s.atol = {1e-7, 1e-12, 1e-7};
  const SolveResult r = solve_robertson(sys, s, 4e4, 5);
  for (int run = 0; run < 5; ++run) EXPECT_EQ(r.status()[run], 0u);
  expect_near_reference(r, s, robertson_4e4, 5, "float32");
}

TEST(RosenbrockStep, WorkOfOneStep) {
  // Rodas3P: five stages, three f (stage 3 at the start, stages 4 and 5 share a point): with
  // dual numbers f at the start comes with the Jacobian; a hand-written Jacobian needs it.
  const fixed_vector<double, 3> y{{1.0, 0.0, 0.0}};
  const fixed_vector<double, 3> p{{0.04, 3e7, 1e4}};
  {
    stepper_for<m::rodas3p, double, 3> st;
    rosenbrock_work w;
    const robertson<double> sys{};
    st.start(sys, 0.0, y, p);
    const auto o = st.step(sys, 0.0, 1e-4, y, p, w);
    EXPECT_TRUE(o.ok);
    EXPECT_FALSE(o.singular);
    EXPECT_EQ(w.jacobian_evaluations, 1);
    EXPECT_EQ(w.factorizations, 1);
    EXPECT_EQ(w.linear_solves, 5);
    EXPECT_EQ(w.rhs_evaluations, 2);
  }
  {
    stepper_for<m::rodas3p, double, 3> st;
    rosenbrock_work w;
    const robertson_with_jacobian<double> sys{};
    st.start(sys, 0.0, y, p);
    (void)st.step(sys, 0.0, 1e-4, y, p, w);
    EXPECT_EQ(w.rhs_evaluations, 3);
  }
  {
    // ode23s with its own Jacobian: f at the start is carried from the last stage.
    stepper_for<m::rosenbrock23_sciml, double, 3> st;
    rosenbrock_work w;
    const robertson_with_jacobian<double> sys{};
    st.start(sys, 0.0, y, p);
    (void)st.step(sys, 0.0, 1e-4, y, p, w);
    EXPECT_EQ(w.rhs_evaluations, 2);
    EXPECT_EQ(w.linear_solves, 3);
  }
}

}  // namespace
