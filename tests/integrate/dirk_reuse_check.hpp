// tests/integrate/dirk_reuse_check.hpp
// What dirk_reuse_test's translation units share: one case solved by the stepper that keeps J
// and the factors (a GPU thread's) and by the one that takes them at every trial step (a CPU
// SIMD pack's), both under the one-run controller defaults (the deadband [1, 1.2]), both
// printed, and the checks every case must pass. The cases
// are reuse_cases.hpp's (the bench's too); the references are in each test file.
#pragma once
#include <gtest/gtest.h>

#include <cstdio>
#include <tuple>

#include "cubie/integrate/methods/newton_methods.hpp"
#include "reuse_cases.hpp"
#include "reuse_driver.hpp"

namespace cubie::test {

struct both {
  reuse_stats kept, every;
  double e_kept, e_every;
};

/// The case solved by the keeping stepper and by the every-step one; prints both.
template <class Method, template <class> class Sys>
both run(const char* problem, const char* method, const reuse_case& c, const double* ref, std::size_t states = 0) {
  both b;
  b.kept = drive<kept_stepper<Method, Sys>, Sys<double>>(method, c);
  b.every = drive<every_stepper<Method, Sys>, Sys<double>>(method, c);
  b.e_kept = error_in_tolerances(b.kept, c, ref, states);
  b.e_every = error_in_tolerances(b.every, c, ref, states);
  for (const auto& [what, st, e] : {std::tuple{"kept", &b.kept, b.e_kept}, std::tuple{"every", &b.every, b.e_every}})
    std::printf("%-10s %-17s %-6s %8ld steps %7ld rejected  J %.3f/step  LU %.3f/step  Newton %.2f/step  "
                "error %.3g tolerances\n",
                problem, method, what, st->steps(), st->rejected, st->jacobians_per_step(),
                st->factorizations_per_step(), st->newton / double(st->steps()), e);
  return b;
}

/// What every case must show: the every-step stepper takes J and factorises on each trial;
/// the keeping one finishes in at most 10% more trial steps with fewer Jacobians, and its
/// error is within 1.5x the every-step stepper's (plus one tolerance: both can be near 0).
inline void expect_common(const both& b, const char* what) {
  ASSERT_TRUE(b.kept.finished && b.every.finished) << what;
  EXPECT_EQ(b.every.jacobians, b.every.steps()) << what;
  EXPECT_EQ(b.every.factorizations, b.every.steps()) << what;
  EXPECT_LT(b.kept.jacobians, b.every.jacobians) << what;
  EXPECT_LE(double(b.kept.steps()), 1.1 * double(b.every.steps())) << what;
  EXPECT_LE(b.e_kept, 1.5 * b.e_every + 1.0) << what;
}

}  // namespace cubie::test
