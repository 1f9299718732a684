// bench/stiff/stiff_bench.cpp
// Issue 8's stiff benchmarks: POLLU (20 states, t in [0, 60], k1 = logspace over
// [3.5e-2, 3.5]) and the ring modulator (15 states, t in [0, 1e-3], Cs = logspace over
// [2e-13, 2e-9]), final state only, float64 at rtol = atol = 1e-6 and float32 at 1e-5, from
// their model files (examples/stiff, compiled at run time as `cubie run` does, with the
// generated sparse LU), on the CPU (SIMD packs) or the GPU (one run per thread).
// Per method and precision: wall time (first solve and the median of the repetitions), runs
// per second, steps per run (accepted + rejected; one Jacobian and factorisation each for
// Rosenbrock methods, fewer for radau_iia_5 and the DIRKs, which keep them across steps),
// rejections, failed runs, and the error at the end on a few runs spread over the sweep,
// max_i |y_i - ref_i| / (atol + rtol |ref_i|), against rodas5p float64 at rtol 1e-10 on the
// CPU (the tests check rodas5p against SciPy's Radau on both problems).
// On the CPU, when SUNDIALS was found at build time: CVODE (BDF, SUNLinSol_Dense, the exact
// Jacobian from dual numbers) looping over the same runs on the same threads, at the same
// tolerance and tighter ones (until its worst error on the checked runs is no larger than
// cubie rodas5p float64's), and the throughput ratio at equal achieved accuracy.
//   stiff_bench                                   # POLLU 2,048 and ring 16 runs (about 2 minutes on 2 cores)
//   stiff_bench --pollu-runs 65536 --ring-runs 1024 --methods all
//   stiff_bench --methods newton                  # rodas5p beside radau_iia_5, kvaerno5, l_stable_sdirk_4
//   stiff_bench --backend cuda --pollu-runs 1048576 --ring-runs 131072 --no-cvode
//   stiff_bench --methods kvaerno5,l_stable_sdirk_4 --baseline-include /tmp/old/include --baseline-deadband-max 1
// --baseline-include DIR: each method also from the model compiled against the cubie headers
// in DIR (an older checkout's include folder, with the same batch_args), solved alternately
// with the current one in the same process, with the CPU time per solve of both (the machine
// may be loaded: compare within one run); --baseline-deadband-max sets that solve's
// deadband_max (a default of the older library).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "cubie/models/model.hpp"
#include "cubie/models/model_compiler.hpp"

#if CUBIE_BENCH_HAS_CVODE
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "stiff_problems.hpp"
#endif

namespace {

using namespace cubie;
using clock_type = std::chrono::steady_clock;

struct options {
  std::vector<std::string> problems = {"pollu", "ring"};
  long pollu_runs = 2048, ring_runs = 16;
  std::vector<std::string> precisions = {"float64", "float32"};
  std::vector<std::string> methods = {"rodas5p"};
  std::string backend = "cpu";
  int reps = 3;
  int threads = 0;
  int check = 4;
  bool cvode = true;
  std::vector<double> cvode_factors = {1.0, 0.1, 0.01, 1e-3, 1e-4};  // CVODE's tolerances, relative to the case's
  std::string cache;
  std::vector<std::string> nvrtc_options;  // added to the GPU build's NVRTC options (--nvrtc-option)
  std::string baseline_include;            // --baseline-include: the older headers to compare with
  double baseline_deadband_max = 0;        // > 0: the baseline solve's deadband_max
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    const std::size_t end = comma == std::string::npos ? s.size() : comma;
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "stiff_bench: %s\noptions: --problems pollu,ring --pollu-runs N --ring-runs N "
               "--precisions float64,float32 --methods rodas5p,...|all|newton --backend cpu|cuda --reps N --threads N "
               "--check N --no-cvode --cvode-factors 1,0.1,0.01,1e-3,1e-4 --cache DIR --nvrtc-option OPT (repeatable) "
               "--baseline-include DIR --baseline-deadband-max X\n",
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
    if (a == "--problems") o.problems = split(value());
    else if (a == "--pollu-runs") o.pollu_runs = std::stol(value());
    else if (a == "--ring-runs") o.ring_runs = std::stol(value());
    else if (a == "--precisions") o.precisions = split(value());
    else if (a == "--methods") o.methods = split(value());
    else if (a == "--backend") o.backend = value();
    else if (a == "--reps") o.reps = std::stoi(value());
    else if (a == "--threads") o.threads = std::stoi(value());
    else if (a == "--check") o.check = std::stoi(value());
    else if (a == "--no-cvode") o.cvode = false;
    else if (a == "--cvode-factors") {
      o.cvode_factors.clear();
      for (const std::string& f : split(value())) o.cvode_factors.push_back(std::stod(f));
    } else if (a == "--cache") o.cache = value();
    else if (a == "--nvrtc-option") o.nvrtc_options.push_back(value());
    else if (a == "--baseline-include") o.baseline_include = value();
    else if (a == "--baseline-deadband-max") o.baseline_deadband_max = std::stod(value());
    else usage(("unknown option " + a).c_str());
  }
  if (o.methods.size() == 1 && o.methods[0] == "all")
    o.methods = {"rosenbrock23_sciml", "ros3p", "rodas3p", "rodas4p", "rodas5p"};
  // The Newton families (issue 9) beside the Rosenbrock default, in the same run.
  if (o.methods.size() == 1 && o.methods[0] == "newton")
    o.methods = {"rodas5p", "radau_iia_5", "kvaerno5", "l_stable_sdirk_4"};
  if (o.backend != "cpu" && o.backend != "cuda") usage("--backend must be cpu or cuda");
  if (!o.baseline_include.empty() && o.backend != "cpu") usage("--baseline-include is for the cpu backend");
  return o;
}

struct problem {
  std::string key, file, swept;
  double log_lo, log_hi;  // log10 of the sweep's ends
  long runs;
};

std::vector<double> logspace(double lo, double hi, long n) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = std::pow(10.0, n == 1 ? lo : lo + (hi - lo) * double(i) / double(n - 1));
  return v;
}

double tolerance_of(precision p) { return p == precision::float32 ? 1e-5 : 1e-6; }

double seconds_since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

// CPU time of the whole process (all its threads), in seconds.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

std::shared_ptr<const compiled_system> compile(const models::model_definition& m, const std::vector<std::string>& methods,
                                               precision p, bool gpu, const std::string& cache,
                                               const std::vector<std::string>& nvrtc_options = {}) {
  models::compile_options o;
  o.cpu = !gpu;
  o.gpu = gpu ? models::gpu_compile::required : models::gpu_compile::off;
  o.methods = methods;
  o.precision = p;
  o.verbosity = 1;
  if (!cache.empty()) o.cache_dir = cache;
  o.extra_nvrtc_options = nvrtc_options;
  return models::compile_model(m, o);
}

// The final states of runs `which` from a result, in the model's state order.
std::vector<std::vector<double>> final_states(const SolveResult& r, const models::model_definition& m,
                                              const std::vector<long>& which) {
  std::vector<std::vector<double>> out;
  for (long run : which) {
    std::vector<double> y;
    for (const models::named_value& s : m.states) y.push_back(r.at(r.n_saves() - 1, r.variable_index(s.name), run));
    out.push_back(y);
  }
  return out;
}

struct error_summary {
  double median = 0, worst = 0;
};

error_summary errors(const std::vector<std::vector<double>>& got, const std::vector<std::vector<double>>& ref,
                     double tol) {
  std::vector<double> e;
  for (std::size_t k = 0; k < ref.size(); ++k) {
    double w = 0;
    for (std::size_t i = 0; i < ref[k].size(); ++i) {
      const double d = std::fabs(got[k][i] - ref[k][i]) / (tol + tol * std::fabs(ref[k][i]));
      w = std::isnan(d) ? INFINITY : std::max(w, d);
    }
    e.push_back(w);
  }
  std::sort(e.begin(), e.end());
  return {e[e.size() / 2], e.back()};
}

struct cubie_figures {
  double runs_per_s = 0;
  error_summary err;
};

#if CUBIE_BENCH_HAS_CVODE
struct cvode_figures {
  double seconds = 0;
  double steps = 0, error_test_failures = 0, setups = 0, jacobians = 0;  // per run
  long failed = 0;
  std::vector<std::vector<double>> finals;
};

template <template <class> class Problem>
struct cvode_user {
  double p;
};

template <template <class> class Problem>
int cvode_rhs(sunrealtype t, N_Vector y, N_Vector f, void* user) {
  Problem<double>{}.rhs(t, N_VGetArrayPointer(y), static_cast<cvode_user<Problem>*>(user)->p, N_VGetArrayPointer(f));
  return 0;
}

template <template <class> class Problem>
int cvode_jac(sunrealtype t, N_Vector y, N_Vector /*fy*/, SUNMatrix J, void* user, N_Vector, N_Vector, N_Vector) {
  constexpr int n = Problem<double>::n;
  double dense[n * n];
  bench::rhs_and_jacobian<Problem>(t, N_VGetArrayPointer(y), static_cast<cvode_user<Problem>*>(user)->p, nullptr,
                                   dense);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) SM_ELEMENT_D(J, i, j) = dense[i * n + j];
  return 0;
}

// CVODE over every run of `values`, runs shared out to `threads` threads one at a time.
template <template <class> class Problem>
cvode_figures run_cvode(const std::vector<double>& values, double rtol, double atol, int threads,
                        const std::vector<long>& which) {
  constexpr int n = Problem<double>::n;
  const long runs = static_cast<long>(values.size());
  std::vector<double> finals(static_cast<std::size_t>(runs) * n);
  std::atomic<long> next{0};
  std::atomic<long> failed{0};
  std::vector<double> steps(static_cast<std::size_t>(threads)), etf(steps), setups(steps), jacs(steps);
  const auto t0 = clock_type::now();
  auto worker = [&](int w) {
    SUNContext ctx;
    SUNContext_Create(nullptr, &ctx);
    N_Vector y = N_VNew_Serial(n, ctx);
    for (int i = 0; i < n; ++i) NV_Ith_S(y, i) = Problem<double>::y0[i];
    void* mem = CVodeCreate(CV_BDF, ctx);
    CVodeInit(mem, cvode_rhs<Problem>, 0.0, y);
    CVodeSStolerances(mem, rtol, atol);
    SUNMatrix A = SUNDenseMatrix(n, n, ctx);
    SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
    CVodeSetLinearSolver(mem, LS, A);
    CVodeSetJacFn(mem, cvode_jac<Problem>);
    CVodeSetMaxNumSteps(mem, 10'000'000);
    cvode_user<Problem> user{};
    CVodeSetUserData(mem, &user);
    for (long r; (r = next.fetch_add(1)) < runs;) {
      user.p = values[static_cast<std::size_t>(r)];
      for (int i = 0; i < n; ++i) NV_Ith_S(y, i) = Problem<double>::y0[i];
      CVodeReInit(mem, 0.0, y);
      CVodeSetStopTime(mem, Problem<double>::t_end);
      sunrealtype t = 0;
      const int flag = CVode(mem, Problem<double>::t_end, y, &t, CV_NORMAL);
      if (flag < 0) failed.fetch_add(1);
      for (int i = 0; i < n; ++i) finals[static_cast<std::size_t>(r) * n + i] = NV_Ith_S(y, i);
      long nst = 0, netf = 0, nsetups = 0, nje = 0;
      CVodeGetNumSteps(mem, &nst);
      CVodeGetNumErrTestFails(mem, &netf);
      CVodeGetNumLinSolvSetups(mem, &nsetups);
      CVodeGetNumJacEvals(mem, &nje);
      steps[w] += double(nst);
      etf[w] += double(netf);
      setups[w] += double(nsetups);
      jacs[w] += double(nje);
    }
    CVodeFree(&mem);
    SUNLinSolFree(LS);
    SUNMatDestroy(A);
    N_VDestroy(y);
    SUNContext_Free(&ctx);
  };
  std::vector<std::thread> pool;
  for (int w = 0; w < threads; ++w) pool.emplace_back(worker, w);
  for (std::thread& th : pool) th.join();
  cvode_figures out;
  out.seconds = seconds_since(t0);
  for (int w = 0; w < threads; ++w) {
    out.steps += steps[w] / double(runs);
    out.error_test_failures += etf[w] / double(runs);
    out.setups += setups[w] / double(runs);
    out.jacobians += jacs[w] / double(runs);
  }
  out.failed = failed.load();
  for (long r : which)
    out.finals.emplace_back(finals.begin() + r * n, finals.begin() + (r + 1) * n);
  return out;
}

template <template <class> class Problem>
void compare_with_cvode(const options& o, const std::vector<double>& values, const std::vector<long>& which,
                        const std::vector<std::vector<double>>& reference, const cubie_figures& cubie64, int threads) {
  const double tol = tolerance_of(precision::float64);
  std::printf("  SUNDIALS CVODE %s (BDF, SUNLinSol_Dense, exact Jacobian), %ld runs, %d threads:\n",
              SUNDIALS_VERSION, static_cast<long>(values.size()), threads);
  std::printf("    %-10s %10s %12s %10s %10s %10s %10s %7s %11s %11s\n", "rtol=atol", "time_s", "runs/s", "steps",
              "err_fails", "setups", "jacobians", "failed", "err_median", "err_max");
  bool matched = false;
  for (double factor : o.cvode_factors) {
    const cvode_figures c = run_cvode<Problem>(values, tol * factor, tol * factor, threads, which);
    const error_summary e = errors(c.finals, reference, tol);
    const double rate = double(values.size()) / c.seconds;
    std::printf("    %-10.1e %10.3f %12.1f %10.1f %10.1f %10.1f %10.1f %7ld %11.3g %11.3g\n", tol * factor, c.seconds,
                rate, c.steps, c.error_test_failures, c.setups, c.jacobians, c.failed, e.median, e.worst);
    if (!matched && e.worst <= cubie64.err.worst) {
      matched = true;
      std::printf("    cubie rodas5p float64 / CVODE at equal achieved accuracy (CVODE's worst error %.3g <= "
                  "cubie's %.3g): %.2fx the throughput\n",
                  e.worst, cubie64.err.worst, cubie64.runs_per_s / rate);
    }
    if (factor == 1.0)
      std::printf("    cubie rodas5p float64 / CVODE at the same tolerance: %.2fx the throughput\n",
                  cubie64.runs_per_s / rate);
    if (matched) break;  // tighter tolerances only cost time
  }
  if (!matched) std::printf("    no CVODE tolerance reached cubie's accuracy: add a smaller --cvode-factors\n");
}
#endif

// The same method from the baseline headers' model and from the current one, solved in
// turn (o.reps each), with the CPU time per solve of both.
void compare_with_baseline(const options& o, const problem& pb, const models::model_definition& m,
                           const std::shared_ptr<const compiled_system>& baseline_sys, Solver& current,
                           solver_settings s, const std::string& method, const std::string& pname,
                           const std::vector<long>& which, const std::vector<std::vector<double>>& reference) {
  if (o.baseline_deadband_max > 0) s.deadband_max = o.baseline_deadband_max;
  Solver before(baseline_sys, s);
  const named_arrays params = {{pb.swept, logspace(pb.log_lo, pb.log_hi, pb.runs)}};
  (void)before.solve({}, params, m.spec);  // warm-up
  std::vector<double> cpu_before, cpu_after;
  SolveResult rb = before.solve({}, params, m.spec), ra = current.solve({}, params, m.spec);
  for (int k = 0; k < std::max(o.reps, 1); ++k) {
    double c0 = process_cpu_seconds();
    rb = before.solve({}, params, m.spec);
    cpu_before.push_back(process_cpu_seconds() - c0);
    c0 = process_cpu_seconds();
    ra = current.solve({}, params, m.spec);
    cpu_after.push_back(process_cpu_seconds() - c0);
  }
  std::sort(cpu_before.begin(), cpu_before.end());
  std::sort(cpu_after.begin(), cpu_after.end());
  const double mb = cpu_before[cpu_before.size() / 2], ma = cpu_after[cpu_after.size() / 2];
  auto steps = [&](const SolveResult& r) {
    double total = 0;
    for (long i = 0; i < pb.runs; ++i)
      total += r.steps_accepted()[static_cast<std::size_t>(i)] + r.steps_rejected()[static_cast<std::size_t>(i)];
    return total / double(pb.runs);
  };
  const double tol = tolerance_of(parse_precision(pname));
  const error_summary eb = errors(final_states(rb, m, which), reference, tol);
  const error_summary ea = errors(final_states(ra, m, which), reference, tol);
  std::printf("    %-18s before: CPU %.4f s/solve, %.1f steps/run, err_max %.3g | after: CPU %.4f s/solve, %.1f "
              "steps/run, err_max %.3g | after/before CPU %.3f\n",
              method.c_str(), mb, steps(rb), eb.worst, ma, steps(ra), ea.worst, ma / mb);
}

void run_problem(const options& o, const problem& pb) {
  const models::model_definition m =
      models::load_model(std::filesystem::path(CUBIE_EXAMPLES_DIR) / "stiff" / pb.file);
  const std::vector<double> values = logspace(pb.log_lo, pb.log_hi, pb.runs);
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<long> which;  // runs checked for accuracy, spread over the sweep, both ends included
  const int n_check = static_cast<int>(std::min<long>(std::max(o.check, 1), pb.runs));
  for (int k = 0; k < n_check; ++k) which.push_back(n_check == 1 ? 0 : long(double(k) * double(pb.runs - 1) / (n_check - 1)));
  std::vector<double> check_values;
  for (long r : which) check_values.push_back(values[static_cast<std::size_t>(r)]);

  // The reference: rodas5p float64 at rtol 1e-10 on the CPU, on the checked runs.
  const auto t_ref = clock_type::now();
  std::vector<std::vector<double>> reference;
  {
    solver_settings s;
    s.algorithm = "rodas5p";
    s.backend = "cpu";
    s.precision = precision::float64;
    s.rtol = {1e-10};
    s.atol = {1e-12};
    s.cpu_threads = o.threads;
    Solver solver(compile(m, {"rodas5p"}, precision::float64, false, o.cache), s);
    const SolveResult r = solver.solve({}, {{pb.swept, check_values}}, m.spec);
    std::vector<long> all(which.size());
    for (std::size_t k = 0; k < all.size(); ++k) all[k] = static_cast<long>(k);
    reference = final_states(r, m, all);
  }
  std::printf("\n%s: %ld runs, %s = logspace(%.4g, %.4g), t in [0, %g], final state; backend %s, %d CPU threads; "
              "errors on %zu runs against rodas5p float64 at rtol 1e-10 (%.1f s)\n",
              m.name.c_str(), pb.runs, pb.swept.c_str(), values.front(), values.back(), m.spec.duration,
              o.backend.c_str(), threads, which.size(), seconds_since(t_ref));
  std::printf("  %-20s %-8s %8s %9s %10s %12s %10s %9s %9s %7s %11s %11s\n", "method", "prec", "tol", "first_s",
              "median_s", "runs/s", "steps", "max_steps", "rejected", "failed", "err_median", "err_max");

  cubie_figures rodas5p64;
  for (const std::string& pname : o.precisions) {
    const precision p = parse_precision(pname);
    const auto sys = compile(m, o.methods, p, o.backend == "cuda", o.cache, o.nvrtc_options);
    const std::string& baseline = o.baseline_include;
    std::shared_ptr<const compiled_system> baseline_sys;
    if (!baseline.empty()) {
      const char* own = std::getenv("CUBIE_INCLUDE_DIR");
      const std::string kept = own ? own : "";
      setenv("CUBIE_INCLUDE_DIR", baseline.c_str(), 1);
      baseline_sys = compile(m, o.methods, p, false, o.cache);
      if (own) setenv("CUBIE_INCLUDE_DIR", kept.c_str(), 1);
      else unsetenv("CUBIE_INCLUDE_DIR");
    }
    for (const std::string& method : o.methods) {
      solver_settings s;
      s.algorithm = method;
      s.backend = o.backend;
      s.precision = p;
      s.rtol = {tolerance_of(p)};
      s.atol = {tolerance_of(p)};
      s.cpu_threads = o.threads;
      Solver solver(sys, s);
      const named_arrays params = {{pb.swept, values}};
      auto t0 = clock_type::now();
      SolveResult r = solver.solve({}, params, m.spec);
      const double first = seconds_since(t0);
      std::vector<double> times;
      for (int k = 0; k < o.reps; ++k) {
        t0 = clock_type::now();
        r = solver.solve({}, params, m.spec);
        times.push_back(seconds_since(t0));
      }
      std::sort(times.begin(), times.end());
      const double median = times.empty() ? first : times[times.size() / 2];
      double steps = 0, rejected = 0, most = 0;
      for (long i = 0; i < pb.runs; ++i) {
        const double acc = r.steps_accepted()[static_cast<std::size_t>(i)];
        const double rej = r.steps_rejected()[static_cast<std::size_t>(i)];
        steps += acc + rej;
        rejected += rej;
        most = std::max(most, acc + rej);
      }
      const error_summary e = errors(final_states(r, m, which), reference, tolerance_of(p));
      const double rate = double(pb.runs) / median;
      std::printf("  %-20s %-8s %8.0e %9.3f %10.4f %12.1f %10.1f %9.0f %9.2f %7lld %11.3g %11.3g\n", method.c_str(),
                  pname.c_str(), tolerance_of(p), first, median, rate, steps / double(pb.runs), most,
                  rejected / double(pb.runs), static_cast<long long>(r.failed_runs()), e.median, e.worst);
      if (method == "rodas5p" && p == precision::float64) rodas5p64 = {rate, e};
      if (!baseline.empty()) compare_with_baseline(o, pb, m, baseline_sys, solver, s, method, pname, which, reference);
    }
  }
  std::printf("  (steps = accepted + rejected per run; Rosenbrock methods evaluate J and factorise every step, "
              "radau_iia_5 and the DIRKs keep J and their factorisations across steps while Newton converges fast "
              "and h stays)\n");

#if CUBIE_BENCH_HAS_CVODE
  if (o.cvode && o.backend == "cpu" && rodas5p64.runs_per_s > 0) {
    if (pb.key == "pollu") compare_with_cvode<bench::pollu_problem>(o, values, which, reference, rodas5p64, threads);
    else compare_with_cvode<bench::ring_modulator_problem>(o, values, which, reference, rodas5p64, threads);
  }
#else
  if (o.cvode && o.backend == "cpu")
    std::printf("  (no CVODE comparison: SUNDIALS was not found when this bench was built)\n");
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  try {
    for (const std::string& key : o.problems) {
      if (key == "pollu") run_problem(o, {"pollu", "pollu.toml", "k1", std::log10(3.5e-2), std::log10(3.5), o.pollu_runs});
      else if (key == "ring") run_problem(o, {"ring", "ring_modulator.toml", "Cs", std::log10(2e-13), std::log10(2e-9), o.ring_runs});
      else usage(("unknown problem " + key + " (pollu, ring)").c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stiff_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
