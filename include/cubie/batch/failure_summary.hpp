// cubie/batch/failure_summary.hpp
// A solve's failed runs in words: how many stopped for each reason, and, where an explicit
// method met a stiff problem, the likely cause and what to do about it.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "../core/types.hpp"

namespace cubie {

/// Runs counted by status flag (core/status.hpp); a run with several flags counts under each.
struct failure_counts {
  i64 runs = 0, failed = 0;
  i64 step_too_small = 0, max_steps_exceeded = 0, stagnation = 0, nonfinite_state = 0;
  i64 not_integrated = 0, singular_matrix = 0;
  i64 stability_limited = 0;  ///< explicit method held by its stability limit (stiff)
  i64 newton_max_iters = 0;   ///< a Newton iteration did not converge in newton_max_iters (2)
  i64 newton_diverged = 0;    ///< a Newton iteration diverged (256)
  i64 linear_max_iters = 0;   ///< a matrix-free linear solve ran out of krylov_max_iters (4)
  i64 linear_breakdown = 0;   ///< a matrix-free linear solve broke down (128)
  i64 other = 0;              ///< a flag none of the above names

  void add(u32 status);
};

/// @brief The counts of a solve's status array.
[[nodiscard]] failure_counts count_failures(std::span<const u32> status);

/// @brief What to do about runs that failed at an explicit method's stability limit, e.g.
///   "16 of the 16 failed runs stopped with dormand_prince_54's steps held by its stability
///   limit (h |lambda| <= 3.31 for the fastest decaying mode), not by accuracy: the problem
///   is stiff there. A Rosenbrock method's steps follow accuracy alone: algorithm = rodas5p
///   (--set solver.algorithm=rodas5p)". "" when `stability_limited` is 0.
/// @param algorithm the solve's method, by any name find_method() accepts.
[[nodiscard]] std::string stiffness_hint(std::int64_t stability_limited, std::int64_t failed,
                                         std::string_view algorithm);

/// @brief "3 of 1024 runs failed: 2 max steps exceeded, 1 step too small" followed by the
///   stiffness hint when it applies; "" when every run succeeded.
[[nodiscard]] std::string failure_summary(std::span<const u32> status, std::string_view algorithm);

}  // namespace cubie
