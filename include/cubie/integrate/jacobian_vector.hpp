// cubie/integrate/jacobian_vector.hpp
// Jacobian-vector products J v and the diagonal of J without forming J, for the matrix-free
// (Newton-Krylov) linear solvers. In order of preference, the optional members of Sys<S>:
//   void jvp(S t, const S* y, const S* p, const S* v, S* Jv) const;    // generated for model files
//   void jacobian_diagonal(S t, const S* y, const S* p, S* d) const;   // d[i] = d f_i / d y_i
// else forward-mode dual numbers with one direction, f(y + eps v) (Sys<dual<S, 1>>), else a
// hand-written dense jacobian() (J formed per product: a fallback for small systems only).
#pragma once
#include "../core/dual.hpp"
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "jacobian.hpp"
#include "krylov_settings.hpp"

namespace cubie {
namespace jacobian_detail {

template <class Sys, class S>
concept has_jvp = requires(const Sys& sys, S t, const S* y, const S* p, const S* v, S* out) {
  sys.jvp(t, y, p, v, out);
};

template <class Sys, class S>
concept has_jacobian_diagonal =
    requires(const Sys& sys, S t, const S* y, const S* p, S* d) { sys.jacobian_diagonal(t, y, p, d); };

}  // namespace jacobian_detail

/// Sys can give J v by one of the paths above.
template <class Sys, class S>
inline constexpr bool has_jacobian_vector_product =
    jacobian_detail::has_jvp<Sys, S> || jacobian_detail::differentiable_with<Sys, dual<S, 1>> ||
    jacobian_detail::has_dense_jacobian<Sys, S>;

/// J v at (t, y) from one evaluation of Sys<dual<S, 1>> seeded with v: the partials of
/// f(y + eps v) along eps.
template <class Sys, class S, int N>
CUBIE_HD CUBIE_FORCEINLINE void dual_jvp(S t, const S* y, const S* p, const S* v, S* Jv) {
  using D = dual<S, 1>;
  using DualSys = typename rebind_system<Sys, D>::type;
  const DualSys dsys{};
  constexpr int P = Sys::n_parameters;
  D yd[N];
  D pd[P > 0 ? P : 1];
  for (int i = 0; i < N; ++i) {
    yd[i] = D(y[i]);
    yd[i].d[0] = v[i];
  }
  for (int j = 0; j < P; ++j) pd[j] = D(p[j]);
  D fd[N];
  dsys.rhs(D(t), yd, pd, fd);
  for (int i = 0; i < N; ++i) Jv[i] = fd[i].d[0];
}

namespace jacobian_detail {

/// The products out of line (krylov_compact systems on the GPU): one copy of the unrolled
/// jvp or dual-number rhs per kernel, called from every product of the Krylov solvers.
template <class Sys, class S, int N>
CUBIE_HD CUBIE_KRYLOV_NOINLINE void outlined_jvp(const Sys& sys, S t, const S* y, const S* p, const S* v, S* Jv) {
  sys.jvp(t, y, p, v, Jv);
}

template <class Sys, class S, int N>
CUBIE_HD CUBIE_KRYLOV_NOINLINE void outlined_dual_jvp(S t, const S* y, const S* p, const S* v, S* Jv) {
  dual_jvp<Sys, S, N>(t, y, p, v, Jv);
}

}  // namespace jacobian_detail

/// Jv = J(t, y) v.
template <class Sys, class S, int N>
CUBIE_HD CUBIE_FORCEINLINE void jacobian_vector_product(const Sys& sys, S t, const S* y, const S* p, const S* v,
                                                        S* Jv) {
  if constexpr (jacobian_detail::has_jvp<Sys, S>) {
    if constexpr (krylov_compact<N>) jacobian_detail::outlined_jvp<Sys, S, N>(sys, t, y, p, v, Jv);
    else sys.jvp(t, y, p, v, Jv);
  } else if constexpr (jacobian_detail::differentiable_with<Sys, dual<S, 1>>) {
    (void)sys;
    if constexpr (krylov_compact<N>) jacobian_detail::outlined_dual_jvp<Sys, S, N>(t, y, p, v, Jv);
    else dual_jvp<Sys, S, N>(t, y, p, v, Jv);
  } else {
    static_assert(jacobian_detail::has_dense_jacobian<Sys, S>,
                  "cubie: a Krylov linear solver needs Jacobian-vector products of this system: give it "
                  "`CUBIE_HD void jvp(S t, const S* y, const S* p, const S* v, S* Jv) const` (Jv = J v), or let "
                  "its rhs accept S = cubie::dual<...>.");
    S J[N * N];
    sys.jacobian(t, y, p, J);
    for (int i = 0; i < N; ++i) {
      S acc = S(0.0);
      for (int j = 0; j < N; ++j) acc = acc + J[i * N + j] * v[j];
      Jv[i] = acc;
    }
  }
}

/// d[i] = d f_i / d y_i at (t, y): the system's jacobian_diagonal, else N products with the
/// unit vectors (N evaluations of f in dual numbers: give the member to save them).
template <class Sys, class S, int N>
CUBIE_HD CUBIE_FORCEINLINE void jacobian_diagonal_of(const Sys& sys, S t, const S* y, const S* p, S* d) {
  if constexpr (jacobian_detail::has_jacobian_diagonal<Sys, S>) {
    sys.jacobian_diagonal(t, y, p, d);
  } else {
    S e[N], Je[N];
    for (int i = 0; i < N; ++i) e[i] = S(0.0);
    for (int i = 0; i < N; ++i) {
      e[i] = S(1.0);
      jacobian_vector_product<Sys, S, N>(sys, t, y, p, e, Je);
      d[i] = Je[i];
      e[i] = S(0.0);
    }
  }
}

}  // namespace cubie

namespace cubie {

/// Whether the direct linear solver is compiled for Sys (the host mirrors this rule:
/// system_info::direct_linear_solver).
template <class Sys, class S>
constexpr bool direct_linear_solver_built() {
  constexpr jacobian_source src = jacobian_source_of<Sys, S>();
  if constexpr (src == jacobian_source::sparse || src == jacobian_source::unavailable) return true;
  else return Sys::n_states <= dense_direct_max_states || !has_jacobian_vector_product<Sys, S>;
}

}  // namespace cubie
