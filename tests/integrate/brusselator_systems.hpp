// tests/integrate/brusselator_systems.hpp
// The 1-D Brusselator with diffusion (Hairer & Wanner II, IV.10) as C++ systems for the
// Newton-Krylov tests: 8 cells (16 states, small enough for the dense LU too) and 50 cells (the
// 100 states of examples/stiff/brusselator_1d.toml; no direct solver is built for it, so its
// Jacobian-vector products come from dual numbers and every solve is matrix-free); its start,
// a sweep over the diffusion, and the difference of two solves in tolerances.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "cubie/batch/named_arrays.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/execution_space.hpp"

namespace cubie::test {

/// u and v interleaved; alpha (the diffusion, scaled by (cells + 1)^2) is the parameter.
template <class S, int Cells>
struct brusselator_cells {
  static constexpr int n_states = 2 * Cells;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* parameter_names = "alpha";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* f) const {
    const S c = p[0] * S(double((Cells + 1) * (Cells + 1)));
    for (int i = 0; i < Cells; ++i) {
      const S u = y[2 * i], v = y[2 * i + 1];
      const S ul = i > 0 ? y[2 * i - 2] : S(1.0), ur = i < Cells - 1 ? y[2 * i + 2] : S(1.0);
      const S vl = i > 0 ? y[2 * i - 1] : S(3.0), vr = i < Cells - 1 ? y[2 * i + 3] : S(3.0);
      const S uuv = u * u * v;
      f[2 * i] = S(1.0) + uuv - S(4.0) * u + c * (ul - S(2.0) * u + ur);
      f[2 * i + 1] = S(3.0) * u - uuv + c * (vl - S(2.0) * v + vr);
    }
  }
};

template <class S>
struct bruss16 : brusselator_cells<S, 8> {
  static constexpr const char* name = "bruss16";
  static constexpr const char* state_names = "u1,v1,u2,v2,u3,v3,u4,v4,u5,v5,u6,v6,u7,v7,u8,v8";
};

template <class S>
struct bruss100 : brusselator_cells<S, 50> {
  static constexpr const char* name = "bruss100";
  static constexpr const char* state_names =
      "u1,v1,u2,v2,u3,v3,u4,v4,u5,v5,u6,v6,u7,v7,u8,v8,u9,v9,u10,v10,u11,v11,u12,v12,u13,v13,u14,v14,u15,v15,u16,v16,u17,v17,u18,v18,u19,v19,u20,v20,u21,v21,u22,v22,u23,v23,u24,v24,u25,v25,u26,v26,u27,v27,u28,v28,u29,v29,u30,v30,u31,v31,u32,v32,u33,v33,u34,v34,u35,v35,u36,v36,u37,v37,u38,v38,u39,v39,u40,v40,u41,v41,u42,v42,u43,v43,u44,v44,u45,v45,u46,v46,u47,v47,u48,v48,u49,v49,u50,v50";
};

/// u = 1 + sin(2 pi x), v = 3 on the cells (Hairer & Wanner's start), for every run.
inline named_arrays brusselator_start(int cells, int runs) {
  named_arrays y;
  for (int i = 1; i <= cells; ++i) {
    const double x = double(i) / (cells + 1);
    y.push_back({"u" + std::to_string(i), std::vector<double>(std::size_t(runs), 1.0 + std::sin(2.0 * M_PI * x))});
    y.push_back({"v" + std::to_string(i), std::vector<double>(std::size_t(runs), 3.0)});
  }
  return y;
}

/// alpha from mildly (0.02: h |lambda| ~ 3e2 at the largest steps) to strongly stiff (2).
inline const std::vector<double> brusselator_alphas = {0.02, 0.1, 0.5, 2.0};

/// One run per alpha of brusselator_alphas from brusselator_start, to t = duration (final state).
inline SolveResult solve_brusselator(const std::shared_ptr<const compiled_system>& sys, const solver_settings& s,
                                     int cells, double duration) {
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = duration;
  return solver.solve(brusselator_start(cells, int(brusselator_alphas.size())), {{"alpha", brusselator_alphas}},
                      spec);
}

/// Largest difference of two solves' final states over the cells and runs, in tolerances of
/// (atol, rtol) = (tol, tol) relative to `ref`.
inline double brusselator_difference(const SolveResult& a, const SolveResult& ref, int cells, double tol) {
  double worst = 0;
  for (int i = 1; i <= cells; ++i) {
    for (const char* var : {"u", "v"}) {
      const std::string name = var + std::to_string(i);
      const std::vector<double> x = a.final_values(name), y = ref.final_values(name);
      for (std::size_t r = 0; r < y.size(); ++r)
        worst = std::max(worst, std::fabs(x[r] - y[r]) / (tol + tol * std::fabs(y[r])));
    }
  }
  return worst;
}

}  // namespace cubie::test
