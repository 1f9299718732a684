// Row-by-row (up-looking Doolittle) elimination: row r of the permuted matrix takes the
// updates of the rows above it in increasing order, the same sequence of operations on
// each entry as right-looking elimination, so the rounding is that of textbook LU without
// pivoting in this order.
#include "sparse_lu_code.hpp"

namespace cubie::models::detail {
namespace {

std::string at(const std::string& array, int index) { return array + "[" + std::to_string(index) + "]"; }

}  // namespace

std::string factor_shifted_body(const elimination_plan& plan, const std::string& c, const std::string& jv) {
  const int n = plan.n;
  std::string body = "    // M = c I - J in place\n";
  for (int k = 0; k < plan.nonzeros(); ++k) {
    const auto [i, j] = plan.entries[static_cast<std::size_t>(k)];
    body += "    " + at(jv, k) + " = " + (i == j ? c + " - " + at(jv, k) : "-" + at(jv, k)) + ";\n";
  }
  auto slot = [&](int i, int j) { return plan.slot[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]; };
  auto state = [&](int r) { return plan.order[static_cast<std::size_t>(r)]; };
  std::string text;
  for (int r = 0; r < n; ++r) {
    const int i = state(r);
    text += "    // row of state " + std::to_string(i) + "\n";
    for (int q = 0; q < r; ++q) {
      const int l = slot(i, state(q));
      if (l < 0) continue;
      // The multiplier: the entry times the reciprocal of pivot q.
      text += "    " + at(jv, l) + " = " + at(jv, l) + " * " + at(jv, slot(state(q), state(q))) + ";\n";
      for (int s = q + 1; s < n; ++s) {
        const int u = slot(state(q), state(s));
        if (u < 0) continue;
        const int target = slot(i, state(s));  // in the pattern: the plan includes the fill
        text += "    " + at(jv, target) + " = " + at(jv, target) + " - " + at(jv, l) + " * " + at(jv, u) + ";\n";
      }
    }
    const std::string pivot = at(jv, slot(i, i));
    // cubie::math::reciprocal: without the IEEE division's slow-path branch on GPUs
    // (core/math.hpp, CUBIE_FAST_RECIPROCAL); S(1) / pivot on the host.
    text += "    " + pivot + " = cubie::math::reciprocal(" + pivot + ");\n";
    const std::string check = "mask_and(is_finite(" + pivot + "), " + pivot + " != S(0))";
    text += r == 0 ? "    auto ok = " + check + ";\n" : "    ok = mask_and(ok, " + check + ");\n";
  }
  return body + text + "    return ok;\n";
}

std::string solve_factored_body(const elimination_plan& plan, const std::string& lu, const std::string& x) {
  const int n = plan.n;
  auto slot = [&](int i, int j) { return plan.slot[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]; };
  auto state = [&](int r) { return plan.order[static_cast<std::size_t>(r)]; };
  std::string body = "    // L z = x (unit diagonal), in elimination order\n";
  for (int r = 1; r < n; ++r) {
    const int i = state(r);
    for (int q = 0; q < r; ++q) {
      const int l = slot(i, state(q));
      if (l >= 0) body += "    " + at(x, i) + " = " + at(x, i) + " - " + at(lu, l) + " * " + at(x, state(q)) + ";\n";
    }
  }
  // U x = z backwards, each row's terms in column order and the pivot's reciprocal last (the
  // order of the host's rounding). Two reorderings were measured on the H200 and dropped
  // (bench/RESULTS.md, issue 8, 2026-12-04): terms latest-ready last and U's rows scaled by
  // their pivots gained nothing on the ring modulator and cost POLLU 2^20 10% (f64) / 60% (f32).
  body += "    // U x = z, backwards; the diagonal holds the pivots' reciprocals\n";
  for (int r = n - 1; r >= 0; --r) {
    const int i = state(r);
    for (int k = r + 1; k < n; ++k) {
      const int u = slot(i, state(k));
      if (u >= 0) body += "    " + at(x, i) + " = " + at(x, i) + " - " + at(lu, u) + " * " + at(x, state(k)) + ";\n";
    }
    body += "    " + at(x, i) + " = " + at(x, i) + " * " + at(lu, slot(i, i)) + ";\n";
  }
  return body;
}

std::string factor_shifted_complex_body(const elimination_plan& plan, const std::string& cr, const std::string& ci,
                                        const std::string& re, const std::string& im, const std::string& mr,
                                        const std::string& mi, const std::string& d) {
  const int n = plan.n;
  std::string body = "    // M = (cr + i ci) I - J in place: re holds J on entry\n";
  for (int k = 0; k < plan.nonzeros(); ++k) {
    const auto [i, j] = plan.entries[static_cast<std::size_t>(k)];
    body += "    " + at(re, k) + " = " + (i == j ? cr + " - " + at(re, k) : "-" + at(re, k)) + ";\n";
    body += "    " + at(im, k) + " = " + (i == j ? ci : std::string("S(0)")) + ";\n";
  }
  auto slot = [&](int i, int j) { return plan.slot[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]; };
  auto state = [&](int r) { return plan.order[static_cast<std::size_t>(r)]; };
  // The multiplier's parts, declared only where some row has one (unused locals warn).
  bool multipliers = false;
  for (int r = 0; r < n && !multipliers; ++r)
    for (int q = 0; q < r && !multipliers; ++q)
      multipliers = plan.slot[static_cast<std::size_t>(plan.order[static_cast<std::size_t>(r)])]
                             [static_cast<std::size_t>(plan.order[static_cast<std::size_t>(q)])] >= 0;
  body += multipliers ? "    S " + mr + ", " + mi + ", " + d + ";\n" : "    S " + d + ";\n";
  for (int r = 0; r < n; ++r) {
    const int i = state(r);
    body += "    // row of state " + std::to_string(i) + "\n";
    for (int q = 0; q < r; ++q) {
      const int l = slot(i, state(q));
      if (l < 0) continue;
      const int p = slot(state(q), state(q));
      // The multiplier: the entry times the reciprocal of pivot q, both complex.
      body += "    " + mr + " = " + at(re, l) + " * " + at(re, p) + " - " + at(im, l) + " * " + at(im, p) + ";\n";
      body += "    " + mi + " = " + at(re, l) + " * " + at(im, p) + " + " + at(im, l) + " * " + at(re, p) + ";\n";
      body += "    " + at(re, l) + " = " + mr + ";\n    " + at(im, l) + " = " + mi + ";\n";
      for (int s = q + 1; s < n; ++s) {
        const int u = slot(state(q), state(s));
        if (u < 0) continue;
        const int target = slot(i, state(s));
        body += "    " + at(re, target) + " = " + at(re, target) + " - (" + mr + " * " + at(re, u) + " - " + mi + " * " + at(im, u) +
                ");\n";
        body += "    " + at(im, target) + " = " + at(im, target) + " - (" + mr + " * " + at(im, u) + " + " + mi + " * " + at(re, u) +
                ");\n";
      }
    }
    const std::string pr = at(re, slot(i, i)), pi = at(im, slot(i, i));
    body += "    " + d + " = " + pr + " * " + pr + " + " + pi + " * " + pi + ";\n";
    body += "    " + pr + " = " + pr + " / " + d + ";\n";
    body += "    " + pi + " = -" + pi + " / " + d + ";\n";
    const std::string check = "mask_and(mask_and(is_finite(" + pr + "), is_finite(" + pi + ")), " + d + " != S(0))";
    body += r == 0 ? "    auto ok = " + check + ";\n" : "    ok = mask_and(ok, " + check + ");\n";
  }
  return body + "    return ok;\n";
}

std::string solve_factored_complex_body(const elimination_plan& plan, const std::string& lr, const std::string& li,
                                        const std::string& xr, const std::string& xi, const std::string& t) {
  const int n = plan.n;
  auto slot = [&](int i, int j) { return plan.slot[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]; };
  auto state = [&](int r) { return plan.order[static_cast<std::size_t>(r)]; };
  // x_i -= a * x_j in complex arithmetic (a at factor slot k).
  auto axpy = [&](int i, int k, int j) {
    return "    " + t + " = " + at(xr, i) + " - (" + at(lr, k) + " * " + at(xr, j) + " - " + at(li, k) + " * " + at(xi, j) +
           ");\n    " + at(xi, i) + " = " + at(xi, i) + " - (" + at(lr, k) + " * " + at(xi, j) + " + " + at(li, k) +
           " * " + at(xr, j) + ");\n    " + at(xr, i) + " = " + t + ";\n";
  };
  std::string body = "    S " + t + ";\n"
                     "    // L z = x (unit diagonal), in elimination order\n";
  for (int r = 1; r < n; ++r) {
    const int i = state(r);
    for (int q = 0; q < r; ++q) {
      const int l = slot(i, state(q));
      if (l >= 0) body += axpy(i, l, state(q));
    }
  }
  body += "    // U x = z, backwards; the diagonal holds the pivots' reciprocals\n";
  for (int r = n - 1; r >= 0; --r) {
    const int i = state(r);
    for (int s = r + 1; s < n; ++s) {
      const int u = slot(i, state(s));
      if (u >= 0) body += axpy(i, u, state(s));
    }
    const int d = slot(i, i);
    body += "    " + t + " = " + at(xr, i) + " * " + at(lr, d) + " - " + at(xi, i) + " * " + at(li, d) + ";\n    " +
            at(xi, i) + " = " + at(xr, i) + " * " + at(li, d) + " + " + at(xi, i) + " * " + at(lr, d) + ";\n    " +
            at(xr, i) + " = " + t + ";\n";
  }
  return body;
}

}  // namespace cubie::models::detail
