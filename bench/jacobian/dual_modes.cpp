// bench/jacobian/dual_modes.cpp
// The measurement behind integrate/jacobian.hpp's choice between vector-mode dual numbers
// (one evaluation with N + 1 partials) and column-at-a-time (N + 1 evaluations with one
// partial): the Jacobian and df/dt of several systems in each mode, each in a function of its
// own, so that dual_modes.sh can count executed x86 instructions (valgrind, one call each on
// a SIMD pack of 8 doubles) and read GPU registers, spills and PTX instructions (nvcc).
#include "cubie/integrate/jacobian.hpp"
#include "cubie/systems/lorenz.hpp"
#include "../../tests/stiff_systems.hpp"
#include "../../tests/test_systems.hpp"

namespace bench {

using cubie::fixed_vector;

/// Lorenz-96 with N states: a sparse N x N Jacobian (4 entries a row), like kinetics.
template <int N>
struct lorenz96 {
  template <class S>
  struct system {
    static constexpr int n_states = N, n_parameters = 1, n_observables = 0;
    CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* f) const {
      for (int i = 0; i < N; ++i) f[i] = (y[(i + 1) % N] - y[(i + N - 2) % N]) * y[(i + N - 1) % N] - y[i] + p[0];
    }
  };
};
template <class S> using lorenz96_5 = lorenz96<5>::system<S>;
template <class S> using lorenz96_10 = lorenz96<10>::system<S>;
template <class S> using lorenz96_20 = lorenz96<20>::system<S>;
template <class S> using lorenz96_40 = lorenz96<40>::system<S>;

template <template <class> class Sys, bool Vector, class S>
CUBIE_HD CUBIE_FORCEINLINE void jacobian_of(const S* yin, const S* pin, S* out) {
  constexpr int N = Sys<S>::n_states, P = Sys<S>::n_parameters;
  fixed_vector<S, N> y;
  fixed_vector<S, P> p;
  for (int i = 0; i < N; ++i) y[i] = yin[i];
  for (int j = 0; j < P; ++j) p[j] = pin[j];
  S f[N], J[N * N], ft[N];
  if constexpr (Vector) cubie::dual_jacobian<true, Sys<S>>(S(0.5), y, p, f, J, ft);
  else cubie::dual_jacobian_by_columns<true, Sys<S>>(S(0.5), y, p, f, J, ft);
  for (int k = 0; k < N * N; ++k) out[k] = J[k];
  for (int i = 0; i < N; ++i) out[N * N + i] = ft[i] + f[i];
}

}  // namespace bench

#define CUBIE_BENCH_CASES(X)                           \
  X(lorenz, cubie::systems::lorenz)                    \
  X(van_der_pol, cubie::test::van_der_pol)             \
  X(robertson, cubie::test::robertson)                 \
  X(order_problem, cubie::test::order_problem)         \
  X(lorenz96_5, bench::lorenz96_5)                     \
  X(lorenz96_10, bench::lorenz96_10)                   \
  X(lorenz96_20, bench::lorenz96_20)                   \
  X(lorenz96_40, bench::lorenz96_40)

#if defined(__CUDACC__)
#define CUBIE_BENCH_KERNELS(name, Sys)                                                          \
  __global__ void vector_##name(const double* y, const double* p, double* out) {                 \
    bench::jacobian_of<Sys, true>(y, p, out);                                                    \
  }                                                                                             \
  __global__ void column_##name(const double* y, const double* p, double* out) {                 \
    bench::jacobian_of<Sys, false>(y, p, out);                                                   \
  }
CUBIE_BENCH_CASES(CUBIE_BENCH_KERNELS)
#else
#include <cstdio>
// Host: one SIMD pack of 8 doubles per call (the CPU backend's arithmetic type).
using pack = cubie::simd::pack<double, 8>;
#define CUBIE_BENCH_FUNCTIONS(name, Sys)                                                        \
  extern "C" __attribute__((noinline)) void vector_##name(const pack* y, const pack* p, pack* out) { \
    bench::jacobian_of<Sys, true>(y, p, out);                                                    \
  }                                                                                             \
  extern "C" __attribute__((noinline)) void column_##name(const pack* y, const pack* p, pack* out) { \
    bench::jacobian_of<Sys, false>(y, p, out);                                                   \
  }
CUBIE_BENCH_CASES(CUBIE_BENCH_FUNCTIONS)
int main() {
  static pack y[40], p[5], out[40 * 40 + 40];
  for (int i = 0; i < 40; ++i) y[i] = pack(0.3 + 0.01 * i);
  for (int i = 0; i < 5; ++i) p[i] = pack(0.5 + i);
#define CUBIE_BENCH_CALL(name, Sys) vector_##name(y, p, out); column_##name(y, p, out);
  CUBIE_BENCH_CASES(CUBIE_BENCH_CALL)
  double s = 0;
  for (const pack& o : out) s += o[0];
  std::printf("%g\n", s);
}
#endif
