// Failed runs in words. The stiffness hint rests on the loop's check of explicit methods'
// failed runs (integrate/stiffness_check.hpp), which sets status_stability_limited.
#include "cubie/batch/failure_summary.hpp"

#include <cstdio>

#include "cubie/batch/method_catalog.hpp"
#include "cubie/core/status.hpp"

namespace cubie {

void failure_counts::add(u32 status) {
  ++runs;
  if (status == 0) return;
  ++failed;
  constexpr u32 known = status_step_too_small | status_max_steps_exceeded | status_stagnation |
                        status_nonfinite_state | status_not_integrated | status_singular_matrix |
                        status_stability_limited | status_newton_max_iters | status_newton_diverged |
                        status_linear_max_iters | status_linear_breakdown;
  step_too_small += (status & status_step_too_small) != 0;
  max_steps_exceeded += (status & status_max_steps_exceeded) != 0;
  stagnation += (status & status_stagnation) != 0;
  nonfinite_state += (status & status_nonfinite_state) != 0;
  not_integrated += (status & status_not_integrated) != 0;
  singular_matrix += (status & status_singular_matrix) != 0;
  stability_limited += (status & status_stability_limited) != 0;
  newton_max_iters += (status & status_newton_max_iters) != 0;
  newton_diverged += (status & status_newton_diverged) != 0;
  linear_max_iters += (status & status_linear_max_iters) != 0;
  linear_breakdown += (status & status_linear_breakdown) != 0;
  other += (status & ~known) != 0;
}

failure_counts count_failures(std::span<const u32> status) {
  failure_counts c;
  for (u32 s : status) c.add(s);
  return c;
}

std::string stiffness_hint(std::int64_t stability_limited, std::int64_t failed, std::string_view algorithm) {
  if (stability_limited <= 0) return {};
  std::string name(algorithm);
  double limit = 0.0;
  try {
    const method_info& m = find_method(algorithm);
    name = m.name;
    limit = m.stability_limit;
  } catch (const std::exception&) {
    // An unknown name cannot have produced the flag; describe it without the limit.
  }
  char bound[64] = "";
  if (limit > 0) std::snprintf(bound, sizeof bound, " (h |lambda| <= %.3g for the fastest decaying mode)", limit);
  return std::to_string(stability_limited) + " of the " + std::to_string(failed) + " failed runs stopped with " + name +
         "'s steps held by its stability limit" + bound +
         ", not by accuracy: the problem is stiff there. A Rosenbrock method's steps follow accuracy alone: "
         "algorithm = rodas5p (--set solver.algorithm=rodas5p)";
}

std::string failure_summary(std::span<const u32> status, std::string_view algorithm) {
  const failure_counts c = count_failures(status);
  if (c.failed == 0) return {};
  std::string s = std::to_string(c.failed) + " of " + std::to_string(c.runs) + " runs failed";
  const std::pair<const char*, std::int64_t> parts[] = {
      {"step too small", c.step_too_small},   {"max steps exceeded", c.max_steps_exceeded},
      {"stagnation", c.stagnation},           {"non-finite state", c.nonfinite_state},
      {"not integrated", c.not_integrated},   {"singular iteration matrix", c.singular_matrix},
      {"Newton iterations exceeded", c.newton_max_iters}, {"Newton diverged", c.newton_diverged},
      {"linear solver iterations exceeded", c.linear_max_iters}, {"linear solver breakdown", c.linear_breakdown},
      {"other flags", c.other}};
  const char* sep = ": ";
  for (const auto& [words, n] : parts) {
    if (n == 0) continue;
    s += sep + std::to_string(n) + " " + words;
    sep = ", ";
  }
  const std::string hint = stiffness_hint(c.stability_limited, c.failed, algorithm);
  return hint.empty() ? s : s + ". " + hint;
}

}  // namespace cubie
