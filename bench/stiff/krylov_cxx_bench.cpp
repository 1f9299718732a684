// bench/stiff/krylov_cxx_bench.cpp
// Newton-Krylov against the direct LU on the GPU (or the CPU) without NVRTC: the 1-D
// Brusselator (tests/integrate/brusselator_systems.hpp) as a C++ system compiled ahead of time
// by nvcc and g++ (bench/stiff/krylov_cxx/, one translation unit per cells x method x
// precision; bench/CMakeLists.txt lists them). "direct" is the band LU of
// brusselator_banded.hpp (the sparse interface a model file's generated LU offers, O(n) per
// factorisation); the Krylov solvers (gmres, bicgstab, minimal_residual, steepest_descent)
// run matrix-free on dual-number Jacobian-vector products, preconditioned by jacobi (default)
// or neumann ("bicgstab:neumann", "gmres:jacobi:2", "gmres:none").
//
// Per method, size, precision, run count and linear solver it prints: the median wall time of
// Solver::solve (after one warm-up solve), the kernel time (GPU), runs per second, per run the
// steps (accepted + rejected), Newton and linear iterations (iteration_counters: for the LU one
// solve per stage block, for Krylov its iterations), failed runs, the kernel's registers and
// local memory per thread (GPU), and err_max: the largest error at t = 10 over a sample of the
// runs against radau_iia_5 with the band LU in float64 on the CPU at rtol = atol = 1e-10, in
// units of the run's tolerance, max |y - ref| / (atol + rtol |ref|).
//
// The runs sweep alpha over 0.02 .. 0.2 (the diffusion 52 .. 520 at 50 cells): mildly to
// strongly stiff. u = 1 + sin(2 pi x), v = 3 at t = 0, t in [0, 10].
//   krylov_cxx_bench --backend cuda --cells 50 --methods radau_iia_5,kvaerno5 \
//       --solvers direct,gmres,bicgstab --precisions float64,float32 --runs 16384,131072
// --variants compact,loops,rhs,jvp,unrolled runs the cases built with those sets of the
// large-system switches (bench/CMakeLists.txt's fourth case field; "" is the build's own), each
// labelled method/variant. status is the OR of the runs' status bits (core/status.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "integrate/brusselator_systems.hpp"
#include "krylov_cxx/bench_systems.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/solver.hpp"

namespace {

using namespace cubie;
using clock_type = std::chrono::steady_clock;

struct options {
  std::vector<int> cells;  // empty: every size built
  std::vector<std::string> methods = {"radau_iia_5", "kvaerno5"};
  std::vector<std::string> solvers = {"direct", "gmres", "bicgstab"};
  std::vector<std::string> precisions = {"float64"};
  std::vector<long> runs = {64};
  int reps = 1;
  int ref_runs = 32;
  double tol = 0;  // 0: 1e-6 in float64, 1e-4 in float32
  double duration = 10.0;
  std::string backend = "cpu";
  std::vector<std::string> variants = {""};  // "": the cases built without a variant
};

std::vector<std::string> split(const std::string& s, char sep = ',') {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size()) {
    const std::size_t cut = s.find(sep, at);
    out.push_back(s.substr(at, cut == std::string::npos ? std::string::npos : cut - at));
    if (cut == std::string::npos) break;
    at = cut + 1;
  }
  return out;
}

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "krylov_cxx_bench: %s\nusage: krylov_cxx_bench [--backend cpu|cuda] [--cells 8,16,32,50] [--methods "
               "radau_iia_5,kvaerno5,l_stable_sdirk_4] [--solvers direct,gmres,bicgstab,minimal_residual,"
               "steepest_descent[:jacobi|neumann|none[:order]]] [--precisions float64,float32] [--runs N,N,...] [--reps N (0: the warm-up only)] "
               "[--ref-runs N] [--tol X] [--duration T] [--variants compact,loops,rhs,jvp,unrolled] [--list]\n",
               why.c_str());
  std::exit(2);
}

long parse_count(const std::string& text, const std::string& option, long least = 1) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < least)
    usage(option + (least == 0 ? " takes an integer >= 0" : " takes positive integers") + "; got '" + text + "'");
  return v;
}

void list_systems() {
  for (const bench::bench_system& s : bench::bench_systems())
    std::printf("cells %3d (%3d states)  %-17s %-8s %-24s %s\n", s.cells, 2 * s.cells, s.method.c_str(),
                s.prec == precision::float32 ? "float32" : "float64", s.nvcc ? "nvcc (GPU + scalar CPU)" : "g++ (SIMD)",
                s.variant.empty() ? "" : ("variant " + s.variant).c_str());
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value after " + a);
      return argv[++i];
    };
    if (a == "--cells") {
      for (const std::string& c : split(value())) o.cells.push_back(int(parse_count(c, a)));
    } else if (a == "--methods") o.methods = split(value());
    else if (a == "--solvers") o.solvers = split(value());
    else if (a == "--precisions" || a == "--precision") o.precisions = split(value());
    else if (a == "--runs") {
      o.runs.clear();
      for (const std::string& r : split(value())) o.runs.push_back(parse_count(r, a));
    } else if (a == "--reps") o.reps = int(parse_count(value(), a, 0));  // 0: the warm-up solve's figures
    else if (a == "--ref-runs") o.ref_runs = int(parse_count(value(), a));
    else if (a == "--tol") o.tol = std::atof(value().c_str());
    else if (a == "--duration") o.duration = std::atof(value().c_str());
    else if (a == "--backend") o.backend = value();
    else if (a == "--variants") o.variants = split(value());
    else if (a == "--list") {
      list_systems();
      std::exit(0);
    } else usage("unknown option " + a);
  }
  for (const std::string& p : o.precisions)
    if (p != "float64" && p != "float32") usage("--precisions takes float64 and/or float32; got '" + p + "'");
  if (o.backend != "cpu" && o.backend != "cuda") usage("--backend must be cpu or cuda; got '" + o.backend + "'");
  if (o.methods.empty() || o.solvers.empty()) usage("--methods and --solvers need at least one value");
  if (!(o.duration > 0)) usage("--duration must be > 0");
  return o;
}

/// The system built for (cells, method, precision, variant): nvcc's on the GPU; on the CPU g++'s
/// SIMD build when there is one, else nvcc's scalar CPU entries.
const bench::bench_system* find_system(int cells, const std::string& method, precision p, const std::string& backend,
                                       const std::string& variant) {
  const bench::bench_system* nvcc = nullptr;
  for (const bench::bench_system& s : bench::bench_systems()) {
    if (s.cells != cells || s.method != method || s.prec != p || s.variant != variant) continue;
    if (s.nvcc) nvcc = &s;
    else if (backend == "cpu") return &s;
  }
  return nvcc;
}

double seconds_since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

/// alpha of run i of n: 0.02 .. 0.2, logarithmically.
std::vector<double> alphas(long n) {
  std::vector<double> a(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) a[std::size_t(i)] = 0.02 * std::pow(10.0, n == 1 ? 0.0 : double(i) / double(n - 1));
  return a;
}

struct outcome {
  double median_s = 0, first_s = 0, kernel_s = 0;
  double steps = 0, newton = 0, linear = 0;  // per run
  long failed = 0;
  u32 status = 0;  // the OR of every run's status
  int registers = 0;
  double local_kb = 0;
  std::vector<std::vector<double>> finals;  // [state][run]
};

outcome run_case(const std::shared_ptr<const compiled_system>& sys, int cells, precision p, const std::string& method,
                 const std::string& backend, const std::string& solver_spec, double tol,
                 const std::vector<double>& alpha, int reps, double duration) {
  const std::vector<std::string> parts = split(solver_spec, ':');
  solver_settings s;
  s.algorithm = method;
  s.backend = backend;
  s.precision = p;
  s.atol = {tol};
  s.rtol = {tol};
  s.linear_solver = parts[0];
  if (parts.size() > 1) s.preconditioner_type = parts[1];
  if (parts.size() > 2) s.preconditioner_order = int(parse_count(parts[2], "--solvers (preconditioner order)"));
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = duration;
  spec.save_initial = false;
  spec.output_types = std::vector<std::string>{"state", "iteration_counters"};
  const named_arrays y0 = test::brusselator_start(cells, 1);
  const named_arrays params = {{"alpha", alpha}};
  outcome o;
  auto t0 = clock_type::now();
  SolveResult r = solver.solve(y0, params, spec);  // warm-up (and the figure where reps = 0)
  o.first_s = seconds_since(t0);
  std::vector<double> times, kernels;
  for (int k = 0; k < reps; ++k) {
    t0 = clock_type::now();
    r = solver.solve(y0, params, spec);
    times.push_back(seconds_since(t0));
    kernels.push_back(r.statistics().kernel_ms * 1e-3);
  }
  std::sort(times.begin(), times.end());
  std::sort(kernels.begin(), kernels.end());
  o.median_s = times.empty() ? o.first_s : times[times.size() / 2];
  o.kernel_s = kernels.empty() ? r.statistics().kernel_ms * 1e-3 : kernels[kernels.size() / 2];
  o.registers = r.statistics().kernel_registers;
  o.local_kb = double(r.statistics().kernel_local_bytes) / 1024.0;
  const std::size_t runs = alpha.size();
  const std::span<const u32> counters = r.iteration_counters();  // (save, channel, run)
  const std::size_t saves = counters.size() / (4 * runs);
  double newton = 0, linear = 0, steps = 0;
  for (std::size_t save = 0; save < saves; ++save) {
    for (std::size_t i = 0; i < runs; ++i) {
      newton += counters[(save * 4 + 0) * runs + i];
      linear += counters[(save * 4 + 1) * runs + i];
      steps += double(counters[(save * 4 + 2) * runs + i]) + double(counters[(save * 4 + 3) * runs + i]);
    }
  }
  for (std::size_t i = 0; i < runs; ++i) {
    o.failed += r.status()[i] != 0;
    o.status |= r.status()[i];
  }
  o.newton = newton / double(runs);
  o.linear = linear / double(runs);
  o.steps = steps / double(runs);
  for (int c = 1; c <= cells; ++c) {
    o.finals.push_back(r.final_values("u" + std::to_string(c)));
    o.finals.push_back(r.final_values("v" + std::to_string(c)));
  }
  return o;
}

}  // namespace

/// The (method, variant) pairs to run, variants innermost so one method's builds sit together.
std::vector<std::pair<std::string, std::string>> method_variants(const options& o) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& m : o.methods)
    for (const std::string& v : o.variants) out.emplace_back(m, v);
  return out;
}

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  if (o.backend == "cuda" && !cuda_device_available()) {
    std::fprintf(stderr, "krylov_cxx_bench: --backend cuda, but no usable CUDA device: %s\n",
                 cuda_unavailable_reason().c_str());
    return 1;
  }
  std::vector<int> cells = o.cells;
  if (cells.empty()) {
    for (const bench::bench_system& s : bench::bench_systems())
      if (std::find(cells.begin(), cells.end(), s.cells) == cells.end()) cells.push_back(s.cells);
    std::sort(cells.begin(), cells.end());
  }
  std::printf("Brusselator 1-D (C++ system, compiled ahead), alpha = 0.02 .. 0.2 over the runs, t in [0, %g], "
              "rtol = atol = %s, backend %s, median of %d after a warm-up; err_max over %d sampled runs against "
              "radau_iia_5 + band LU, float64, CPU, 1e-10\n",
              o.duration, o.tol > 0 ? std::to_string(o.tol).c_str() : "1e-6 (float64) / 1e-4 (float32)",
              o.backend.c_str(), o.reps, o.ref_runs);
  std::printf("%-22s %6s %-7s %7s %-18s %9s %9s %10s %8s %8s %9s %6s %6s %8s %4s %8s\n", "method", "states", "prec",
              "runs", "linear_solver", "median_s", "kernel_s", "runs/s", "steps", "newton", "linear", "failed", "status",
              "err_max", "regs", "local_KB");
  std::fflush(stdout);
  for (int c : cells) {
    const bench::bench_system* ref_system = nullptr;
    for (const bench::bench_system& s : bench::bench_systems())
      if (s.cells == c && s.method == "radau_iia_5" && s.prec == precision::float64 && !s.nvcc) ref_system = &s;
    if (!ref_system) {
      std::printf("%d cells: no g++ radau_iia_5 float64 build for the reference (add it to bench/CMakeLists.txt)\n", c);
      continue;
    }
    const auto ref_sys = ref_system->make();
    for (long runs : o.runs) {
      const std::vector<double> alpha = alphas(runs);
      // The sampled runs: ref_runs indices spread over the sweep (its ends included).
      std::vector<std::size_t> sample;
      const long m = std::min<long>(o.ref_runs, runs);
      for (long j = 0; j < m; ++j) sample.push_back(std::size_t(m == 1 ? 0 : j * (runs - 1) / (m - 1)));
      std::vector<double> sample_alpha;
      for (std::size_t i : sample) sample_alpha.push_back(alpha[i]);
      const auto t_ref = clock_type::now();
      const outcome ref = run_case(ref_sys, c, precision::float64, "radau_iia_5", "cpu", "direct", 1e-10, sample_alpha,
                                   0, o.duration);
      if (ref.failed != 0) std::printf("   (reference: %ld of its runs failed)\n", ref.failed);
      std::fprintf(stderr, "reference, %d states, %zu runs: %.1f s\n", 2 * c, sample.size(), seconds_since(t_ref));
      for (const std::string& pname : o.precisions) {
        const precision p = pname == "float32" ? precision::float32 : precision::float64;
        const double tol = o.tol > 0 ? o.tol : p == precision::float32 ? 1e-4 : 1e-6;
        for (const auto& [method, variant] : method_variants(o)) {
          const std::string label = variant.empty() ? method : method + "/" + variant;
          const bench::bench_system* bs = find_system(c, method, p, o.backend, variant);
          if (!bs) {
            std::printf("%-22s %6d %-7s %7ld (not built: bench/CMakeLists.txt, CUBIE_KRYLOV_BENCH_CASES)\n",
                        label.c_str(), 2 * c, pname.c_str(), runs);
            continue;
          }
          const auto t_make = clock_type::now();
          const auto sys = bs->make();
          std::fprintf(stderr, "%s %d states %s: system ready in %.2f s\n", label.c_str(), 2 * c, pname.c_str(),
                       seconds_since(t_make));
          for (const std::string& solver : o.solvers) {
            outcome r;
            try {
              r = run_case(sys, c, p, method, o.backend, solver, tol, alpha, o.reps, o.duration);
            } catch (const std::exception& e) {
              std::printf("%-22s %6d %-7s %7ld %-18s failed: %s\n", label.c_str(), 2 * c, pname.c_str(), runs,
                          solver.c_str(), e.what());
              std::fflush(stdout);
              continue;
            }
            double err = 0;
            for (std::size_t k = 0; k < r.finals.size(); ++k) {
              for (std::size_t j = 0; j < sample.size(); ++j) {
                const double y = r.finals[k][sample[j]], y_ref = ref.finals[k][j];
                const double e = std::fabs(y - y_ref) / (tol + tol * std::fabs(y_ref));
                err = std::isfinite(e) ? std::max(err, e) : INFINITY;
              }
            }
            std::printf("%-22s %6d %-7s %7ld %-18s %9.4f %9.4f %10.0f %8.1f %8.1f %9.1f %6ld %6u %8.3f %4d %8.1f\n",
                        label.c_str(), 2 * c, pname.c_str(), runs, solver.c_str(), r.median_s, r.kernel_s,
                        double(runs) / r.median_s, r.steps, r.newton, r.linear, r.failed, r.status, err, r.registers,
                        r.local_kb);
            std::fflush(stdout);
          }
        }
      }
    }
  }
  return 0;
}
