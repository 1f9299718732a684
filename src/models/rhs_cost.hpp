// What one evaluation of a model's right-hand side costs, and from that how the CPU code
// calls it: inlined at every stage (cheap ones), or compiled once and called (expensive);
// and whether it reads the time, which decides how the GPU kernels are split.
#pragma once
#include "cubie/models/model.hpp"

namespace cubie::models::detail {

/// @brief Weighted operation count of dy/dt: the derivatives and the auxiliaries they
///   read (each once): + - * and negation 1, / and sqrt 4, other functions and powers
///   with a non-integer exponent 16, an integer power |n| - 1 multiplications (and a /
///   when n < 0), ifelse its condition and both branches.
[[nodiscard]] double rhs_cost(const model_definition& model);

/// @brief Whether the CPU translation unit compiles the right-hand side once and calls
///   it from every stage instead of inlining it into each: for 8 or more states whose
///   right-hand side costs at least 8 per state. Inlined, such a right-hand side is the
///   bulk of the compile (the Pleiades with dormand_prince_853 inlines it 27 times); the
///   call costs the solve memory traffic of O(states) per stage, small against that
///   much arithmetic but not against a cheap one (Lorenz-96: 4 per state, 2.5-4x slower).
[[nodiscard]] bool outline_rhs_on_cpu(const model_definition& model);

/// @brief Whether dy/dt reads t, directly or through a driver (a signal of t) or an
///   auxiliary it reads. The NVRTC model compiler builds each loop path as its own program
///   only for right-hand sides that do not (gpu_model_compiler.cpp): compiled alone, the
///   fixed-count path of a float32 kernel that forms each step's time kept loop-invariant
///   fp64-to-fp32 conversions inside the loop (sass_check.py), which the kernel holding both
///   paths does not.
[[nodiscard]] bool rhs_reads_time(const model_definition& model);

}  // namespace cubie::models::detail
