// tests/integrate/dirk_solve_common.hpp
// What dirk_solve_test's translation units share: the method lists its systems are built with
// (each (system, method, precision) entry point costs build time, so the systems solved with
// the stiff methods alone are built with those alone: bench/RESULTS.md, "CI build time"), and
// the stiff references and failure checks every family uses. A system built with the same list
// is built in one translation unit only, so no entry point is compiled twice.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "newton_failure_checks.hpp"
#include "stiff_reference_checks.hpp"
#include "stiff_references.hpp"
#include "stiff_systems.hpp"

namespace cubie::test::dirk_solve {

namespace m = cubie::methods;
using stiff_dirks = m::method_list<m::kvaerno3, m::l_stable_sdirk_4, m::kvaerno5>;
using adaptive_dirks = m::method_list<m::crank_nicolson, m::kvaerno3, m::l_stable_sdirk_4, m::kvaerno5>;
inline const char* const stiff_methods[] = {"kvaerno3", "l_stable_sdirk_4", "kvaerno5"};

}  // namespace cubie::test::dirk_solve
