// bench/stiff/krylov_bench.cpp
// Newton's linear solver by system size: the 1-D Brusselator (examples/stiff/make_brusselator.py)
// on a range of cell counts (2 states per cell), compiled at run time as `cubie run` does, on
// the CPU or the GPU. Per method (kvaerno5: DIRK; radau_iia_5: FIRK, RADAU5's real and complex
// systems), size, precision, run count and linear solver: the generated sparse LU ("direct"),
// the dense pivoting LU of jacobian() (the model compiled without its sparse LU; built only up
// to dense_direct_max_states), and the Krylov methods through the generated jvp (jacobi
// preconditioner, order 1). Above dense_direct_max_states the Krylov rows use the model
// compiled without its sparse LU ("no LU" build): no direct solver exists there, so the
// steppers keep no factors (per-run memory a few vectors of n); below it they use the sparse
// build. Printed: wall time (median of the repetitions, after one warm-up solve), runs per
// second, steps per run, failed runs, and the error at the end against the first method with
// the sparse LU in float64 at a tolerance 1e-3 times tighter, on the same backend,
// max_i |y_i - ref_i| / (atol + rtol |ref_i|) over all runs. Compile times go to stderr (the
// cache folder keeps the builds for the next call).
//   krylov_bench                                  # cells 4..100, 64 runs, kvaerno5, float64, CPU
//   krylov_bench --cells 50 --methods kvaerno5,radau_iia_5 --solvers direct,gmres,bicgstab
//                --runs 1024,16384 --precisions float64,float32 --backend cuda    (one line)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "cubie/integrate/krylov_settings.hpp"
#include "cubie/models/model.hpp"
#include "cubie/models/model_compiler.hpp"

namespace {

using namespace cubie;
using clock_type = std::chrono::steady_clock;

struct options {
  std::vector<int> cells = {4, 8, 16, 20, 32, 50, 100};
  std::vector<std::string> solvers = {"direct", "dense", "gmres", "bicgstab", "minimal_residual"};
  std::vector<std::string> methods = {"kvaerno5"};
  std::vector<long> runs = {64};
  int reps = 3;
  std::vector<std::string> precisions = {"float64"};
  double tol = 0;  // 0: 1e-6 in float64, 1e-4 in float32
  std::string backend = "cpu";
  std::string cache;
};

double tolerance(const options& o, precision p) { return o.tol > 0 ? o.tol : p == precision::float32 ? 1e-4 : 1e-6; }

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size()) {
    const std::size_t comma = s.find(',', at);
    out.push_back(s.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "krylov_bench: %s\nusage: krylov_bench [--cells 4,8,...] [--solvers direct,dense,gmres,bicgstab,"
               "minimal_residual,steepest_descent] [--methods kvaerno5,radau_iia_5] [--runs N,N,...] [--reps N] "
               "[--precisions float64,float32] [--tol X] [--backend cpu|cuda] [--cache DIR]\n",
               why);
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    if (a == "--cells") {
      o.cells.clear();
      for (const std::string& c : split(value())) o.cells.push_back(std::stoi(c));
    } else if (a == "--solvers") o.solvers = split(value());
    else if (a == "--methods") o.methods = split(value());
    else if (a == "--runs") {
      o.runs.clear();
      for (const std::string& r : split(value())) o.runs.push_back(std::stol(r));
    } else if (a == "--reps") o.reps = std::stoi(value());
    else if (a == "--precisions" || a == "--precision") o.precisions = split(value());
    else if (a == "--tol") o.tol = std::stod(value());
    else if (a == "--backend") o.backend = value();
    else if (a == "--cache") o.cache = value();
    else usage(("unknown option " + a).c_str());
  }
  for (const std::string& p : o.precisions)
    if (p != "float64" && p != "float32") usage("--precisions must be float64 and/or float32");
  if (o.backend != "cpu" && o.backend != "cuda") usage("--backend must be cpu or cuda");
  if (o.methods.empty() || o.runs.empty()) usage("--methods and --runs need at least one value");
  return o;
}

/// The model text from examples/stiff/make_brusselator.py (the one generator of the model).
std::string brusselator_text(int cells) {
  const std::string cmd = "python3 \"" CUBIE_EXAMPLES_DIR "/stiff/make_brusselator.py\" " + std::to_string(cells);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) usage("cannot run python3 for make_brusselator.py");
  std::string text;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  if (pclose(p) != 0 || text.empty()) usage("make_brusselator.py failed");
  return text;
}

double seconds_since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

std::shared_ptr<const compiled_system> compile(const models::model_definition& m, const options& opt, precision p,
                                               bool sparse) {
  models::compile_options o;
  const bool gpu = opt.backend == "cuda";
  o.cpu = !gpu;
  o.gpu = gpu ? models::gpu_compile::required : models::gpu_compile::off;
  o.methods = opt.methods;
  o.precision = p;
  o.verbosity = 1;
  if (!sparse) o.codegen.max_sparse_factor_flops = -1;
  o.cache_dir = opt.cache;
  return models::compile_model(m, o);
}

struct outcome {
  double median_s = 0;
  double steps = 0;
  long failed = 0;
  std::vector<std::vector<double>> finals;  // [state][run]
};

outcome run(const std::shared_ptr<const compiled_system>& sys, const models::model_definition& m, precision p,
            const std::string& method, const std::string& backend, const std::string& linear, double tol, long runs,
            int reps) {
  solver_settings s = m.settings;
  s.algorithm = method;
  s.backend = backend;
  s.precision = p;
  s.atol = {tol};
  s.rtol = {tol};
  s.linear_solver = linear;
  Solver solver(sys, s);
  solve_spec spec = m.spec;
  spec.save_every.reset();
  // alpha over a decade: diffusion from mildly to strongly stiff across the runs.
  std::vector<double> alpha(static_cast<std::size_t>(runs));
  for (long i = 0; i < runs; ++i) alpha[std::size_t(i)] = 0.02 * std::pow(10.0, runs == 1 ? 0.0 : double(i) / double(runs - 1));
  const named_arrays params = {{"alpha", alpha}};
  outcome o;
  auto t0 = clock_type::now();
  SolveResult r = solver.solve({}, params, spec);  // warm-up (the time, where reps = 0)
  const double first = seconds_since(t0);
  std::vector<double> times;
  for (int k = 0; k < reps; ++k) {
    t0 = clock_type::now();
    r = solver.solve({}, params, spec);
    times.push_back(seconds_since(t0));
  }
  std::sort(times.begin(), times.end());
  o.median_s = times.empty() ? first : times[times.size() / 2];
  double steps = 0;
  for (long i = 0; i < runs; ++i) {
    steps += double(r.steps_accepted()[std::size_t(i)]) + double(r.steps_rejected()[std::size_t(i)]);
    o.failed += r.status()[std::size_t(i)] != 0;
  }
  o.steps = steps / double(runs);
  for (const models::named_value& st : m.states) o.finals.push_back(r.final_values(st.name));
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  options o = parse(argc, argv);
  if (o.cache.empty()) o.cache = (std::filesystem::temp_directory_path() / "cubie-krylov-bench").string();
  std::printf("Brusselator 1-D, rtol = atol = %s, alpha = 0.02 .. 0.2 over the runs, t in [0, 10], backend %s, "
              "median of %d\n",
              o.tol > 0 ? std::to_string(o.tol).c_str() : "1e-6 (float64) / 1e-4 (float32)", o.backend.c_str(), o.reps);
  std::printf("%-12s %6s %7s %-8s %8s %-17s %-9s %10s %12s %9s %7s %10s\n", "method", "cells", "states", "prec", "runs",
              "linear_solver", "build", "median_s", "runs/s", "steps", "failed", "err_max");
  for (int cells : o.cells) {
    const models::model_definition m = models::parse_model(brusselator_text(cells), "brusselator_1d.toml");
    const int n = 2 * cells;
    const bool lean_krylov = n > dense_direct_max_states;
    std::shared_ptr<const compiled_system> sparse64;
    for (const std::string& pname : o.precisions) {
      const precision p = pname == "float32" ? precision::float32 : precision::float64;
      const double tol = tolerance(o, p);
      const auto sparse = compile(m, o, p, true);
      if (p == precision::float64) sparse64 = sparse;
      if (!sparse64) sparse64 = compile(m, o, precision::float64, true);
      std::shared_ptr<const compiled_system> without_lu;  // dense LU below 40 states, none above
      for (long runs : o.runs) {
        // The reference: the first method, sparse LU, float64, 1e-3 times tighter.
        const outcome ref = run(sparse64, m, precision::float64, o.methods.front(), o.backend, "direct", tol * 1e-3,
                                runs, 0);
        for (const std::string& method : o.methods) {
          for (const std::string& linear : o.solvers) {
            std::shared_ptr<const compiled_system> sys = sparse;
            std::string solver_name = linear, label = linear, build = "sparse LU";
            if (linear == "direct") label = "sparse LU";
            if (linear == "dense") {
              if (lean_krylov) {
                std::printf("%-12s %6d %7d %-8s %8ld %-17s %s\n", method.c_str(), cells, n, pname.c_str(), runs,
                            "dense LU", "(not built above dense_direct_max_states states)");
                continue;
              }
              solver_name = "direct";
              label = "dense LU";
            }
            if (linear == "dense" || (linear != "direct" && lean_krylov)) {
              if (!without_lu) without_lu = compile(m, o, p, false);
              sys = without_lu;
              build = lean_krylov ? "no LU" : "dense LU";
            }
            const outcome r = run(sys, m, p, method, o.backend, solver_name, tol, runs, o.reps);
            double err = 0;
            for (std::size_t i = 0; i < r.finals.size(); ++i) {
              for (std::size_t k = 0; k < r.finals[i].size(); ++k) {
                const double y = r.finals[i][k], y_ref = ref.finals[i][k];
                err = std::max(err, std::fabs(y - y_ref) / (tol + tol * std::fabs(y_ref)));
              }
            }
            std::printf("%-12s %6d %7d %-8s %8ld %-17s %-9s %10.4f %12.1f %9.1f %7ld %10.3f\n", method.c_str(), cells,
                        n, pname.c_str(), runs, label.c_str(), build.c_str(), r.median_s, double(runs) / r.median_s,
                        r.steps, r.failed, err);
            std::fflush(stdout);
          }
        }
      }
    }
  }
  return 0;
}
