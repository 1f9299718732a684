// Straight-line C++ of the planned sparse LU: factor_shifted(c, jv) forms c I - J in place
// and factorises it in the plan's elimination order; solve_factored(lu, x) applies the
// inverse. Indices are fixed at generation time; no loops, no pivoting, no branches.
#pragma once
#include <string>

#include "sparse_elimination.hpp"

namespace cubie::models::detail {

/// @brief The body of `factor_shifted(S c, S* jv)` (names given), which returns a mask
/// that is true where every pivot's reciprocal is finite and nonzero: the pivot is finite
/// and nonzero (a pivot below about 1/DBL_MAX, whose reciprocal overflows, counts as
/// zero). The pivots' reciprocals replace them in jv, so solving multiplies instead of
/// dividing.
[[nodiscard]] std::string factor_shifted_body(const elimination_plan& plan, const std::string& c,
                                              const std::string& jv);

/// @brief The body of `solve_factored(const S* lu, S* x)` (names given): x <- (c I - J)^-1 x.
[[nodiscard]] std::string solve_factored_body(const elimination_plan& plan, const std::string& lu,
                                              const std::string& x);

}  // namespace cubie::models::detail
