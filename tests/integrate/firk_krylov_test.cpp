// tests/integrate/firk_krylov_test.cpp
// The FIRK family through the matrix-free linear solvers (firk_krylov.hpp; cpu backend, SIMD
// packs, Jacobian-vector products from dual numbers): a run whose Jacobian-vector products are
// non-finite ends with status 128 or 4, its neighbours untouched. The Brusselator cases are in
// firk_krylov_brusselator_test.cpp and firk_krylov_gauss_legendre_test.cpp; the Krylov
// accuracy on Van der Pol and Robertson is in firk_solve_test.cpp and the Krylov orders in
// firk_convergence_test.cpp, beside the LU's, whose systems they share (one build of each).
#include <gtest/gtest.h>

#include <cstdio>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "krylov_test_common.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

// A run whose Jacobian-vector products are non-finite ends with 128 (BiCGSTAB breaks down) or
// 4 (minimal residual runs out), its neighbours at rest untouched.
TEST(FirkKrylov, FailedLinearSolvesEndTheirRunOnly) {
  static const auto sys = make_system<infinite_slope, m::method_list<m::radau_iia_5>, double>();
  for (const char* linear : {"bicgstab", "minimal_residual"}) {
    solver_settings s = settings("radau", linear, 1e-6, {1e-6});
    s.krylov_atol = s.krylov_rtol = 1e-300;  // no answer without the (non-finite) products
    std::printf("radau_iia_5 %-16s sqrt decay from 0: status %u\n", linear,
                expect_only_the_infinite_run_fails(sys, s));
  }
}

}  // namespace
