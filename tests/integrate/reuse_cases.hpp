// tests/integrate/reuse_cases.hpp
// The problems the DIRK reuse is measured on (tolerances, span, start, parameters), shared by
// dirk_reuse_test's translation units and bench/stiff/dirk_reuse_bench.cpp so that the test's
// counts and the bench's times are of the same runs.
#pragma once
#include <vector>

#include "reuse_driver.hpp"
#include "reuse_problems.hpp"

namespace cubie::test {

inline const reuse_case pollu_case{1e-6, {1e-6}, 60.0, std::vector<double>(pollu<double>::y0, pollu<double>::y0 + 20), {0.35}};
inline const reuse_case ring_case{1e-6, {1e-6}, 1e-3, std::vector<double>(15, 0.0), {2e-12}};
inline const reuse_case hires_case{1e-8, {1e-10}, 321.8122, {1, 0, 0, 0, 0, 0, 0, 0.0057}, {}};
inline const reuse_case robertson_case{1e-8, {1e-8, 1e-14, 1e-8}, 1e11, {1, 0, 0}, {0.04, 3e7, 1e4}};
inline const reuse_case vdp_case{1e-9, {1e-9}, 3000.0, {2, 0}, {1e3}};

}  // namespace cubie::test
