// bench/stiff/krylov_bench.cpp
// Newton's linear solver by system size: the 1-D Brusselator (examples/stiff/make_brusselator.py)
// on a range of cell counts (2 states per cell), kvaerno5, compiled at run time as `cubie run`
// does, on the CPU. Per size and linear solver: the generated sparse LU ("direct"), the dense
// pivoting LU of jacobian() (the model compiled without its sparse LU; built only up to
// dense_direct_max_states), and the Krylov methods through the generated jvp (jacobi
// preconditioner, order 1): wall time (median of the repetitions, after one warm-up solve),
// runs per second, steps per run, failed runs, and the error at the end against the sparse LU
// at a tolerance 1e-3 times tighter, max_i |y_i - ref_i| / (atol + rtol |ref_i|) over all runs.
// Compile times are printed once per model (the cache folder keeps them for the next call).
//   krylov_bench                                  # cells 4..100, 64 runs, float64, rtol = atol = 1e-6
//   krylov_bench --cells 8,50,100 --runs 256 --solvers direct,gmres --precision float32
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
  long runs = 64;
  int reps = 3;
  std::string precision = "float64";
  double tol = 1e-6;
  std::string cache;
};

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
               "minimal_residual,steepest_descent] [--runs N] [--reps N] [--precision float64|float32] [--tol X] "
               "[--cache DIR]\n",
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
    else if (a == "--runs") o.runs = std::stol(value());
    else if (a == "--reps") o.reps = std::stoi(value());
    else if (a == "--precision") o.precision = value();
    else if (a == "--tol") o.tol = std::stod(value());
    else if (a == "--cache") o.cache = value();
    else usage(("unknown option " + a).c_str());
  }
  if (o.precision != "float64" && o.precision != "float32") usage("--precision must be float64 or float32");
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

std::shared_ptr<const compiled_system> compile(const models::model_definition& m, precision p, bool sparse,
                                               const std::string& cache) {
  models::compile_options o;
  o.gpu = models::gpu_compile::off;
  o.methods = {"kvaerno5"};
  o.precision = p;
  o.verbosity = 1;
  if (!sparse) o.codegen.max_sparse_factor_flops = -1;
  if (!cache.empty()) o.cache_dir = cache;
  return models::compile_model(m, o);
}

struct outcome {
  double median_s = 0;
  double steps = 0;
  long failed = 0;
  std::vector<std::vector<double>> finals;  // [state][run]
};

outcome run(const std::shared_ptr<const compiled_system>& sys, const models::model_definition& m, precision p,
            const std::string& linear, double tol, long runs, int reps) {
  solver_settings s = m.settings;
  s.backend = "cpu";
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
  SolveResult r = solver.solve({}, params, spec);  // warm-up
  std::vector<double> times;
  for (int k = 0; k < reps; ++k) {
    const auto t0 = clock_type::now();
    r = solver.solve({}, params, spec);
    times.push_back(seconds_since(t0));
  }
  std::sort(times.begin(), times.end());
  o.median_s = times[times.size() / 2];
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
  const options o = parse(argc, argv);
  const precision p = o.precision == "float32" ? precision::float32 : precision::float64;
  std::string cache = o.cache;
  if (cache.empty()) cache = (std::filesystem::temp_directory_path() / "cubie-krylov-bench").string();
  std::printf("Brusselator 1-D, kvaerno5, %s, rtol = atol = %g, %ld runs (alpha = 0.02 .. 0.2), CPU, median of %d\n",
              o.precision.c_str(), o.tol, o.runs, o.reps);
  std::printf("%6s %7s %-17s %10s %10s %9s %7s %10s\n", "cells", "states", "linear_solver", "median_s", "runs/s",
              "steps", "failed", "err_max");
  for (int cells : o.cells) {
    const models::model_definition m = models::parse_model(brusselator_text(cells), "brusselator_1d.toml");
    const int n = 2 * cells;
    const auto sparse = compile(m, p, true, cache);
    // The reference: the sparse LU at a 1e-3 times tighter tolerance, float64.
    const auto ref_sys = p == precision::float64 ? sparse : compile(m, precision::float64, true, cache);
    const outcome ref = run(ref_sys, m, precision::float64, "direct", o.tol * 1e-3, o.runs, 1);
    std::shared_ptr<const compiled_system> dense;
    for (const std::string& linear : o.solvers) {
      std::shared_ptr<const compiled_system> sys = sparse;
      std::string solver_name = linear, label = linear;
      if (linear == "direct") label = "sparse LU";
      if (linear == "dense") {
        if (n > dense_direct_max_states) {
          std::printf("%6d %7d %-17s %s\n", cells, n, "dense LU", "(not built above dense_direct_max_states states)");
          continue;
        }
        if (!dense) dense = compile(m, p, false, cache);
        sys = dense;
        solver_name = "direct";
        label = "dense LU";
      }
      const outcome r = run(sys, m, p, solver_name, o.tol, o.runs, o.reps);
      double err = 0;
      for (std::size_t i = 0; i < r.finals.size(); ++i) {
        for (std::size_t k = 0; k < r.finals[i].size(); ++k) {
          const double y = r.finals[i][k], y_ref = ref.finals[i][k];
          err = std::max(err, std::fabs(y - y_ref) / (o.tol + o.tol * std::fabs(y_ref)));
        }
      }
      std::printf("%6d %7d %-17s %10.4f %10.1f %9.1f %7ld %10.3f\n", cells, n, label.c_str(), r.median_s,
                  double(o.runs) / r.median_s, r.steps, r.failed, err);
      std::fflush(stdout);
    }
  }
  return 0;
}
