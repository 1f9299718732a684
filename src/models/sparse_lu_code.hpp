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

/// @brief The body of `factor_shifted_complex(S cr, S ci, S* re, S* im)`: on entry `re` holds J
/// at the pattern (jacobian_sparse's output); on return (re, im) hold the complex LU factors of
/// (cr + i ci) I - J in the same elimination order and fill as factor_shifted (the pattern of
/// c I - J does not depend on c), with the pivots' complex reciprocals on the diagonal. Returns
/// the mask of runs whose every pivot was finite and nonzero. mr, mi and d name its locals
/// (a multiplier's parts, a pivot's squared modulus).
[[nodiscard]] std::string factor_shifted_complex_body(const elimination_plan& plan, const std::string& cr,
                                                      const std::string& ci, const std::string& re,
                                                      const std::string& im, const std::string& mr,
                                                      const std::string& mi, const std::string& d);

/// @brief The body of `solve_factored_complex(const S* lr, const S* li, S* xr, S* xi)`:
/// (xr + i xi) <- ((cr + i ci) I - J)^-1 (xr + i xi); t names its temporary.
[[nodiscard]] std::string solve_factored_complex_body(const elimination_plan& plan, const std::string& lr,
                                                      const std::string& li, const std::string& xr,
                                                      const std::string& xi, const std::string& t);

}  // namespace cubie::models::detail
