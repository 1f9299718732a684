// cubie/models/codegen.hpp
// Turns a model into C++ source for the shared integration core: a struct template on
// the arithmetic type that satisfies cubie::ode_system, compilable by g++ and NVRTC.
#pragma once
#include <string>
#include <string_view>

#include "model.hpp"

namespace cubie::models {

/// @brief What generate_system_source() writes besides the right-hand side and observables.
struct codegen_options {
  /// The Jacobian members of JACOBIAN_CONTRACT.md (symbolic df/dy and df/dt, the sparse LU
  /// of c I - J planned at generation time). Members of a class template are compiled only
  /// when used, so an explicit method pays for their text alone.
  bool jacobian = true;
  /// factor_shifted and solve_factored are written out only while the factorisation takes
  /// at most this many flops (about half as many lines of code): a large, dense Jacobian
  /// would make them too long to compile, and the stepper then takes its dense LU instead.
  long long max_sparse_factor_flops = 20000;
};

/// @brief The source of `template <class S> struct STRUCT_NAME { ... };` at global scope,
/// including only "cubie/integrate/system.hpp" and "cubie/core/math.hpp". The arithmetic
/// is kept as written (no reassociation); repeated subexpressions are computed once, as
/// named temporaries (products that feed both additions and other operations excepted,
/// so fused multiply-adds form as in a hand-written system); integer powers up to |8|
/// become products of one copy of the base; float32 models get float literals.
///
/// A model without drivers whose f calls functions of t alone (sin(w t + phi), pow(t, 1.5);
/// outermost calls only) also has, for steppers that evaluate f at several stage times:
///   static constexpr int n_time_terms;
///   void time_terms(S t, const S* y, const S* p, S* tt) const;   // those calls at t
///   void rhs_with_time_terms(S t, const S* y, const S* p, const S* tt, S* dydt) const;  // = rhs
/// Outside rhs, sin(x) and cos(x) of one x are one math::sincos call.
///
/// With options.jacobian, the struct also has (S is float, double or a SIMD pack):
///   static constexpr bool autonomous;        // f does not read t
///   static constexpr int jacobian_nnz;       // structural nonzeros of df/dy
///   static constexpr int sparse_nnz;         // entries of the LU factors of c I - J
///   static constexpr int sparse_row[sparse_nnz], sparse_col[sparse_nnz];  // (i, j) of jv[k]
///   static constexpr int elimination_order[n_states];                      // pivot order
///   void jacobian(S t, const S* y, const S* p, S* J) const;          // J[i*n + j] = df_i/dy_j
///   void jacobian_sparse(S t, const S* y, const S* p, S* jv) const;  // the pattern's entries
///   void time_derivative(S t, const S* y, const S* p, S* dfdt) const;
///   auto factor_shifted(S c, S* jv) const;   // jv <- LU of c I - J; mask: pivots usable
///   void solve_factored(const S* lu, S* x) const;  // x <- (c I - J)^-1 x
/// (the last two only within options.max_sparse_factor_flops).
/// @throws cubie::invalid_argument when struct_name is not a C++ identifier, or when a
///   constant or number is not finite in the model's precision.
[[nodiscard]] std::string generate_system_source(const model_definition& model, std::string_view struct_name,
                                                 const codegen_options& options = {});

}  // namespace cubie::models
