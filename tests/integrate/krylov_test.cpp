// tests/integrate/krylov_test.cpp
// The matrix-free linear solvers (integrate/krylov.hpp) on known linear systems, against
// Gaussian elimination with pivoting in long double: every solver reaches its tolerance on
// the systems it is made for (steepest descent: symmetric positive definite; the others a
// nonsymmetric advection-diffusion-reaction operator), in double and float, per lane of a
// SIMD pack with lanes that converge at different iterations (each lane equal to its own
// scalar solve's answer within the tolerance); the preconditioners cut the iterations; a
// zero operator ends in breakdown (BiCGSTAB, GMRES) or the iteration limit (minimal
// residual, steepest descent), as in the design; the limit is reported when too low.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "cubie/core/simd.hpp"
#include "cubie/integrate/krylov.hpp"

namespace {

using namespace cubie;
constexpr int N = 24;

/// J of a 1-D advection-diffusion-reaction operator on N cells: diffusion kd (symmetric),
/// upwind advection ka (nonsymmetric), reaction rates spread over `decades` decades on the
/// diagonal (what a Jacobi preconditioner captures). A = I - g J.
struct test_operator {
  double kd = 50.0, ka = 0.0, decades = 0.0;
  [[nodiscard]] double J(int i, int j) const {
    double v = 0.0;
    if (i == j) v = -2.0 * kd - ka - std::pow(10.0, decades * i / (N - 1));
    if (j == i - 1) v = kd + ka;
    if (j == i + 1) v = kd;
    return v;
  }
};

/// x = A^-1 b, partial pivoting in long double.
std::vector<double> reference(const test_operator& op, double g, const std::vector<double>& b) {
  std::vector<long double> a(N * N), x(b.begin(), b.end());
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) a[i * N + j] = (i == j ? 1.0L : 0.0L) - g * op.J(i, j);
  for (int k = 0; k < N; ++k) {
    int piv = k;
    for (int i = k + 1; i < N; ++i)
      if (std::fabs(a[i * N + k]) > std::fabs(a[piv * N + k])) piv = i;
    for (int j = 0; j < N; ++j) std::swap(a[k * N + j], a[piv * N + j]);
    std::swap(x[k], x[piv]);
    for (int i = k + 1; i < N; ++i) {
      const long double m = a[i * N + k] / a[k * N + k];
      for (int j = k; j < N; ++j) a[i * N + j] -= m * a[k * N + j];
      x[i] -= m * x[k];
    }
  }
  for (int i = N - 1; i >= 0; --i) {
    for (int j = i + 1; j < N; ++j) x[i] -= a[i * N + j] * x[j];
    x[i] /= a[i * N + i];
  }
  return {x.begin(), x.end()};
}

std::vector<double> rhs_vector() {
  std::vector<double> b(N);
  for (int i = 0; i < N; ++i) b[i] = std::sin(0.7 * i + 0.3) + 0.5;
  return b;
}

/// One solve of A x = b in arithmetic S; lane l of a pack uses g * gscale[l].
template <class S>
struct problem {
  test_operator op;
  S g;
  preconditioner_kind prec = preconditioner_kind::none;
  int order = 0;
  bool zero = false;  // the zero operator

  linear_outcome<S> solve(linear_solver_kind kind, double tol, int max_iters, fixed_vector<S, N>& x) const {
    using V = value_type_t<S>;
    krylov_settings<V> ks{kind, V(tol), V(0.0), max_iters, prec, order};
    fixed_vector<S, N> b, w;
    const std::vector<double> bv = rhs_vector();
    for (int i = 0; i < N; ++i) {
      b[i] = S(bv[i]);
      w[i] = S(1.0) / S(tol);  // ||r||_rms <= tol
    }
    auto apply = [&](const fixed_vector<S, N>& v, fixed_vector<S, N>& out) {
      for (int i = 0; i < N; ++i) {
        S acc = S(0.0);
        for (int j = (i > 0 ? i - 1 : 0); j <= (i < N - 1 ? i + 1 : N - 1); ++j) acc = acc + S(op.J(i, j)) * v[j];
        out[i] = zero ? S(0.0) : v[i] - g * acc;
      }
    };
    auto precondition = [&](const fixed_vector<S, N>& r, fixed_vector<S, N>& z) {
      fixed_vector<S, N> inv_d;
      for (int i = 0; i < N; ++i)
        inv_d[i] = prec == preconditioner_kind::jacobi ? S(1.0) / (S(1.0) - g * S(op.J(i, i))) : S(1.0);
      for (int i = 0; i < N; ++i) z[i] = inv_d[i] * r[i];
      const int sweeps = prec == preconditioner_kind::none ? 0 : order;
      for (int k = 0; k < sweeps; ++k) {
        fixed_vector<S, N> az;
        apply(z, az);
        for (int i = 0; i < N; ++i) z[i] = z[i] + inv_d[i] * (r[i] - az[i]);
      }
    };
    return krylov_solve(ks, apply, precondition, w, b, x);
  }
};

const linear_solver_kind all_kinds[] = {linear_solver_kind::minimal_residual, linear_solver_kind::steepest_descent,
                                        linear_solver_kind::bicgstab, linear_solver_kind::gmres};
const char* name_of(linear_solver_kind k) {
  switch (k) {
    case linear_solver_kind::minimal_residual: return "minimal_residual";
    case linear_solver_kind::steepest_descent: return "steepest_descent";
    case linear_solver_kind::bicgstab: return "bicgstab";
    case linear_solver_kind::gmres: return "gmres";
    default: return "direct";
  }
}

/// The error of x against the reference, in units of the solve's tolerance on the residual
/// times ||A^-1|| (bounded by 1/(1 - g * max eigenvalue of J) <= 1 for these operators, whose
/// J has a negative definite symmetric part): a converged solve is within ~1.
template <class S>
double error_in_tolerances(const fixed_vector<S, N>& x, const std::vector<double>& ref, double tol, int lane = 0) {
  double acc = 0.0;
  for (int i = 0; i < N; ++i) {
    double xi;
    if constexpr (std::is_arithmetic_v<S>) xi = double(x[i]);
    else xi = double(x[i][lane]);
    acc += (xi - ref[i]) * (xi - ref[i]);
  }
  return std::sqrt(acc / N) / tol;
}

template <class S>
void every_solver_converges(double tol) {
  for (linear_solver_kind kind : all_kinds) {
    for (double ka : {0.0, 40.0}) {
      if (kind == linear_solver_kind::steepest_descent && ka != 0.0) continue;  // SPD only
      problem<S> pr{{50.0, ka, 2.0}, S(0.01)};
      fixed_vector<S, N> x;
      const linear_outcome<S> o = pr.solve(kind, tol, 400, x);
      const double e = error_in_tolerances(x, reference(pr.op, 0.01, rhs_vector()), tol);
      std::printf("%-17s ka=%-4g %-6s %3.0f iterations, error %.3f tolerances\n", name_of(kind), ka,
                  sizeof(value_type_t<S>) == 4 ? "float" : "double", double(o.iterations), e);
      EXPECT_TRUE(o.converged) << name_of(kind);
      EXPECT_FALSE(o.max_iters);
      EXPECT_FALSE(o.breakdown);
      EXPECT_LE(e, 1.0) << name_of(kind) << " ka " << ka;
      EXPECT_GE(double(o.iterations), 2.0) << "the problem must need several iterations";
    }
  }
}

TEST(Krylov, EverySolverReachesItsToleranceDouble) { every_solver_converges<double>(1e-10); }
TEST(Krylov, EverySolverReachesItsToleranceFloat) { every_solver_converges<float>(1e-5); }

TEST(Krylov, PackLanesConvergeOnTheirOwn) {
  // Four lanes with g spread over two decades: they need different iteration counts; each
  // lane's answer is its own system's (frozen once converged), within the tolerance.
  using P = simd::pack<double, 4>;
  const double gs[4] = {0.001, 0.003, 0.01, 0.1};
  P g;
  for (int l = 0; l < 4; ++l) g.set(l, gs[l]);
  for (linear_solver_kind kind : all_kinds) {
    problem<P> pr{{50.0, kind == linear_solver_kind::steepest_descent ? 0.0 : 40.0, 2.0}, g};
    fixed_vector<P, N> x;
    const linear_outcome<P> o = pr.solve(kind, 1e-10, 400, x);
    double lo = 1e9, hi = 0;
    for (int l = 0; l < 4; ++l) {
      EXPECT_TRUE(o.converged[l]) << name_of(kind) << " lane " << l;
      const double e = error_in_tolerances(x, reference(pr.op, gs[l], rhs_vector()), 1e-10, l);
      EXPECT_LE(e, 1.0) << name_of(kind) << " lane " << l;
      lo = std::min(lo, o.iterations[l]);
      hi = std::max(hi, o.iterations[l]);
    }
    std::printf("%-17s pack lanes: %g to %g iterations\n", name_of(kind), lo, hi);
    EXPECT_LT(lo, hi) << name_of(kind) << ": the lanes should finish at different iterations";
  }
}

TEST(Krylov, PreconditionersCutIterations) {
  // Reaction rates over 4 decades on the diagonal: Jacobi captures them. A small g keeps
  // ||g J|| < 1 for the Neumann series, which then cuts iterations too.
  for (linear_solver_kind kind : {linear_solver_kind::minimal_residual, linear_solver_kind::bicgstab,
                                  linear_solver_kind::gmres}) {
    problem<double> plain{{50.0, 40.0, 4.0}, 0.01};
    problem<double> jacobi = plain;
    jacobi.prec = preconditioner_kind::jacobi;
    fixed_vector<double, N> x;
    const double none_iters = plain.solve(kind, 1e-10, 2000, x).iterations;
    const linear_outcome<double> oj = jacobi.solve(kind, 1e-10, 2000, x);
    EXPECT_TRUE(oj.converged);
    EXPECT_LE(error_in_tolerances(x, reference(plain.op, 0.01, rhs_vector()), 1e-10), 1.0);
    problem<double> mild{{50.0, 40.0, 0.0}, 0.002};
    problem<double> neumann = mild;
    neumann.prec = preconditioner_kind::neumann;
    neumann.order = 2;
    const double mild_iters = mild.solve(kind, 1e-10, 2000, x).iterations;
    const linear_outcome<double> on = neumann.solve(kind, 1e-10, 2000, x);
    EXPECT_TRUE(on.converged);
    std::printf("%-17s none %g -> jacobi %g iterations; none %g -> neumann(2) %g\n", name_of(kind), none_iters,
                oj.iterations, mild_iters, on.iterations);
    EXPECT_LT(oj.iterations, none_iters) << name_of(kind);
    EXPECT_LT(on.iterations, mild_iters) << name_of(kind);
  }
}

TEST(Krylov, ZeroOperatorBreaksDownOrRunsOut) {
  for (linear_solver_kind kind : all_kinds) {
    problem<double> pr{{50.0, 0.0, 0.0}, 0.01};
    pr.zero = true;
    fixed_vector<double, N> x;
    const linear_outcome<double> o = pr.solve(kind, 1e-10, 20, x);
    EXPECT_FALSE(o.converged) << name_of(kind);
    const bool breaks = kind == linear_solver_kind::bicgstab || kind == linear_solver_kind::gmres;
    EXPECT_EQ(o.breakdown, breaks) << name_of(kind);
    EXPECT_EQ(o.max_iters, !breaks) << name_of(kind);
    for (int i = 0; i < N; ++i) EXPECT_TRUE(std::isfinite(x[i])) << name_of(kind);
  }
}

TEST(Krylov, TooFewIterationsAreReported) {
  for (linear_solver_kind kind : all_kinds) {
    problem<double> pr{{50.0, 0.0, 2.0}, 0.01};
    fixed_vector<double, N> x;
    const linear_outcome<double> o = pr.solve(kind, 1e-12, 2, x);
    EXPECT_FALSE(o.converged) << name_of(kind);
    EXPECT_TRUE(o.max_iters) << name_of(kind);
    EXPECT_FALSE(o.breakdown) << name_of(kind);
    EXPECT_EQ(o.iterations, 2.0) << name_of(kind);
  }
}

}  // namespace
