// bench/cpu/lorenz_cpu_bench.cpp
// The Lorenz ensemble of the GPU ODE benchmarks on the CPU backend, side by side with
// Boost.odeint looping over the same runs on the same cores. Prints one table.
//
// Problem (as the GPU ODE benchmarks define it): float32, rho = linspace(0, 21, N),
// sigma = 10, beta = 8/3, x0 = (1, 0, 0), t in [0, 1], final state only, N = 65,536;
// (a) classical_rk4 with dt = 1/1024, (b) dormand_prince_54 with atol = rtol = 1e-5.
// Extra rows (left out with --no-extra) guard against regressions elsewhere: the same two
// cases in float64, and dormand_prince_54 with dense output (save_every = 0.01).
//
// Arithmetic per step (an FMA counts as 2 FLOPs; from the RHS and the tableaus):
//   Lorenz RHS: sigma*(y-x): 2;  x*(rho-z) - y: 1 sub + 1 FMA = 3;  x*y - beta*z: 1 mul
//     + 1 FMA = 3;  total 8 FLOPs (6 vector instructions).
//   classical_rk4: 4 RHS = 32; three stage points y + (h a) k, 3 FMAs each = 18; the
//     solution y + sum (h b_i) k_i, 4 x 3 FMAs = 24;  total 74 FLOPs.
//   dormand_prince_54 (first same as last: 6 new RHS per step): 6 RHS = 48; stage points
//     from the 20 non-zero a_ij of rows 2..7 (row 7 is the solution), 20 x 3 FMAs = 120;
//     error estimate from the 6 non-zero e_i, 6 x 3 FMAs = 36; error norm (max |y|,
//     scale FMA, divide, square-accumulate) ~ 5 x 3 + 2 = 17; PI controller (log2, exp2
//     polynomials, clamps) ~ 45;  total ~ 266 FLOPs.
// The arithmetic floor is FLOPs / (cores x SIMD lanes x FMA pipes x 2 x clock): AVX2 has
// 8 float (4 double) lanes and Zen has 2 FMA pipes; the clock is the faster of
// /proc/cpuinfo's nominal one and one measured with a chain of dependent adds.
// Columns: "cpu" is the process CPU time over the threads (the wall time an idle machine
// would show: compare it when the machine is shared); speedup is on wall-time medians.
//
//   lorenz_cpu_bench [--n N] [--reps R] [--threads T] [--no-extra] [--no-odeint]
//                    [--only rk4|dp54|rk4-f64|dp54-f64|dense] [--chunk RUNS] [--quick]
// --quick skips the clock measurement and the accuracy reference (for callgrind runs).
// Each case also prints a hash of its output bytes: equal hashes across builds, thread
// counts and --chunk values mean bit-identical results.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "cubie/backends/cpu/cpu_executor.hpp"
#include "cubie/backends/cpu/simd_width.hpp"
#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/systems/lorenz.hpp"

#if __has_include(<boost/numeric/odeint.hpp>)
#define CUBIE_BENCH_ODEINT 1
#include <boost/numeric/odeint.hpp>
#else
#define CUBIE_BENCH_ODEINT 0
#endif

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

/// CPU time of the whole process (every thread), in ms: divided by the thread count it
/// estimates the wall time on an idle machine when the machine is shared.
double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double cpu_mhz() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("cpu MHz", 0) == 0) return std::atof(line.substr(line.find(':') + 1).c_str());
  }
  return 0.0;
}

/// The core clock while busy, from a chain of dependent integer adds (one cycle each
/// on every x86 core) timed in thread CPU time, so sharing the machine does not skew
/// it. /proc/cpuinfo shows the nominal clock; a boosting core runs faster.
double measured_clock_ghz() {
#if defined(__x86_64__)
  constexpr long iters = 50'000'000;  // x 10 adds
  long x = 0;
  timespec a{}, b{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
  for (long i = 0; i < iters; ++i)
    asm volatile("add $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\t"
                 "add $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0"
                 : "+r"(x));
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
  const double s = double(b.tv_sec - a.tv_sec) + 1e-9 * double(b.tv_nsec - a.tv_nsec);
  return x / s * 1e-9;
#else
  return 0.0;
#endif
}

/// Runs body(begin, end) over [0, n) in blocks of `block`, handed out dynamically to
/// `threads` threads (the calling thread included), as cubie's pool does.
void parallel_blocks(int threads, std::int64_t n, std::int64_t block,
                     const std::function<void(std::int64_t, std::int64_t)>& body) {
  std::atomic<std::int64_t> next{0};
  auto work = [&] {
    for (std::int64_t b; (b = next.fetch_add(block)) < n;) body(b, std::min(n, b + block));
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

struct stats3 {
  double mean = 0, min = 0, max = 0;
};
template <class It>
stats3 summarize(It first, It last) {
  stats3 s;
  if (first == last) return s;
  s.min = s.max = double(*first);
  double sum = 0;
  std::size_t n = 0;
  for (It i = first; i != last; ++i, ++n) {
    const double v = double(*i);
    sum += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean = sum / double(n);
  return s;
}

// ---- Boost.odeint ------------------------------------------------------------------
#if CUBIE_BENCH_ODEINT
namespace odeint = boost::numeric::odeint;

template <class R>
struct lorenz_odeint {
  R rho;
  std::uint64_t* calls = nullptr;  // RHS evaluations, to derive attempted steps
  void operator()(const std::array<R, 3>& y, std::array<R, 3>& dy, R /*t*/) const {
    if (calls) ++*calls;
    dy[0] = R(10) * (y[1] - y[0]);
    dy[1] = y[0] * (rho - y[2]) - y[1];
    dy[2] = y[0] * y[1] - R(8.0 / 3.0) * y[2];
  }
};

/// odeint runge_kutta4, dt fixed, one run after another within each thread.
template <class R>
void odeint_rk4(int threads, const std::vector<double>& rho, double dt, std::vector<std::array<R, 3>>& out) {
  using state = std::array<R, 3>;
  const std::int64_t n = static_cast<std::int64_t>(rho.size());
  const int steps = static_cast<int>(std::lround(1.0 / dt));
  parallel_blocks(threads, n, 256, [&](std::int64_t b, std::int64_t e) {
    odeint::runge_kutta4<state, R, state, R> stepper;
    for (std::int64_t r = b; r < e; ++r) {
      lorenz_odeint<R> sys{static_cast<R>(rho[r])};
      state x{R(1), R(0), R(0)};
      R t = R(0);
      for (int i = 0; i < steps; ++i) {
        stepper.do_step(sys, x, t, static_cast<R>(dt));
        t += static_cast<R>(dt);
      }
      out[r] = x;
    }
  });
}

/// odeint controlled dopri5 with integrate_adaptive; counts accepted steps (observer
/// calls after the first) and RHS evaluations (the FSAL stepper spends 6 per attempt
/// after one initial evaluation).
template <class R>
void odeint_dopri5(int threads, const std::vector<double>& rho, double tol, double dt0, std::vector<std::array<R, 3>>& out,
                   std::vector<std::uint32_t>* accepted, std::vector<std::uint32_t>* attempted) {
  using state = std::array<R, 3>;
  const std::int64_t n = static_cast<std::int64_t>(rho.size());
  parallel_blocks(threads, n, 256, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t r = b; r < e; ++r) {
      std::uint64_t calls = 0, obs = 0;
      lorenz_odeint<R> sys{static_cast<R>(rho[r]), attempted ? &calls : nullptr};
      auto stepper = odeint::make_controlled(static_cast<R>(tol), static_cast<R>(tol),
                                             odeint::runge_kutta_dopri5<state, R, state, R>());
      state x{R(1), R(0), R(0)};
      odeint::integrate_adaptive(stepper, sys, x, R(0), R(1), static_cast<R>(dt0),
                                 [&](const state&, R) { ++obs; });
      out[r] = x;
      if (accepted) (*accepted)[r] = static_cast<std::uint32_t>(obs - 1);
      if (attempted) (*attempted)[r] = static_cast<std::uint32_t>((calls - 1) / 6);
    }
  });
}
#endif

// ---- the table ---------------------------------------------------------------------
struct row {
  std::string name;
  std::string precision;
  double first_ms = 0, median_ms = 0, min_ms = 0, cpu_ms = 0;
  double odeint_ms = 0, odeint_cpu_ms = 0;  // 0: no comparison
  std::string steps;     // per run, as text
  std::string odeint_steps;
  double floor_ms = 0;
  double rel_err = -1, odeint_rel_err = -1;
  std::uint64_t hash = 0;
};

/// FNV-1a over bytes.
std::uint64_t fnv1a(const void* p, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

struct options {
  std::int64_t n = 65536;
  int reps = 7;
  int threads = 0;
  bool extra = true;
  bool odeint = true;
  std::string only;
  std::int64_t chunk = 0;  // memory.max_chunk_runs: forces chunking (results must not change)
  bool quick = false;      // no clock measurement, no accuracy reference (for callgrind)
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--n") o.n = std::atoll(next());
    else if (a == "--reps") o.reps = std::atoi(next());
    else if (a == "--threads") o.threads = std::atoi(next());
    else if (a == "--no-extra") o.extra = false;
    else if (a == "--no-odeint") o.odeint = false;
    else if (a == "--only") o.only = next();
    else if (a == "--chunk") o.chunk = std::atoll(next());
    else if (a == "--quick") o.quick = true;
    else {
      std::fprintf(stderr,
                   "usage: lorenz_cpu_bench [--n N] [--reps R] [--threads T] [--no-extra] [--no-odeint] "
                   "[--only ID] [--chunk RUNS] [--quick]\n");
      std::exit(2);
    }
  }
  if (o.n < 1 || o.reps < 1) {
    std::fprintf(stderr, "--n and --reps must be >= 1\n");
    std::exit(2);
  }
  return o;
}

/// Max over the subsample of ||a - ref||_2 / ||ref||_2 for the final states.
double max_rel(const std::vector<std::int64_t>& runs, const std::function<std::array<double, 3>(std::int64_t)>& a,
               const std::vector<std::array<double, 3>>& ref) {
  double worst = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto v = a(runs[i]);
    double num = 0, den = 0;
    for (int c = 0; c < 3; ++c) {
      num += (v[c] - ref[i][c]) * (v[c] - ref[i][c]);
      den += ref[i][c] * ref[i][c];
    }
    worst = std::max(worst, std::sqrt(num / std::max(den, 1e-300)));
  }
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse(argc, argv);
  const int threads = opt.threads > 0 ? opt.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::int64_t N = opt.n;

  // rho = linspace(0, 21, N)
  std::vector<double> rho(static_cast<std::size_t>(N));
  for (std::int64_t i = 0; i < N; ++i) rho[i] = N == 1 ? 0.0 : 21.0 * double(i) / double(N - 1);

  // A float64 reference at tight tolerance for a subsample of runs (odeint dopri5,
  // atol = rtol = 1e-12), to check that the fast figures are also right.
  std::vector<std::int64_t> sub;
  for (std::int64_t i = 0; i < 257; ++i) sub.push_back(N == 1 ? 0 : (i * (N - 1)) / 256);
  std::vector<std::array<double, 3>> ref(sub.size());
#if CUBIE_BENCH_ODEINT
  if (!opt.quick) {
    std::vector<double> sub_rho;
    for (auto r : sub) sub_rho.push_back(rho[r]);
    odeint_dopri5<double>(threads, sub_rho, 1e-12, 1e-6, ref, nullptr, nullptr);
  }
#endif

  const auto sys_f = cubie::make_system<cubie::systems::lorenz,
                                        cubie::methods::method_list<cubie::methods::classical_rk4,
                                                                    cubie::methods::dormand_prince_54>,
                                        float, double>();
  const cubie::batch_grid grid =
      cubie::batch_grid::build(sys_f->info, {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", rho}});

  const int fma_pipes = 2;
  const double nominal_ghz = cpu_mhz() / 1000.0;
  const double busy_ghz = opt.quick ? 0.0 : measured_clock_ghz();
  const double clock_ghz = std::max(nominal_ghz, busy_ghz);  // the floor uses the faster
  auto floor_ms = [&](double flops_per_run, int lanes) {
    return flops_per_run * double(N) / (double(threads) * lanes * fma_pipes * 2 * clock_ghz * 1e9) * 1e3;
  };

  std::printf("cubie CPU bench: Lorenz ensemble, N = %lld, t in [0, 1], final state only\n", (long long)N);
  std::printf("CPU: %s, %d threads, clock %.3f GHz nominal (/proc/cpuinfo), %.3f GHz measured busy; "
              "SIMD lanes per pack float %d / double %d (%d register%s)\n",
              cubie::cpu::cpu_name().c_str(), threads, nominal_ghz, busy_ghz, cubie::cpu::simd_lanes<float>,
              cubie::cpu::simd_lanes<double>, cubie::cpu::registers_per_pack,
              cubie::cpu::registers_per_pack == 1 ? "" : "s");
  std::printf("floor = FLOPs / (%d cores x %d float or %d double lanes a register x %d FMA pipes x 2 x %.3f GHz)\n",
              threads, cubie::cpu::native_vector_bytes / 4, cubie::cpu::native_vector_bytes / 8, fma_pipes, clock_ghz);
  std::printf("load average at start: %s; repetitions %d (median reported)\n\n", loadavg().c_str(), opt.reps);

  std::vector<row> rows;

  struct case_def {
    const char* key;       // rk4 / dp54
    const char* id;        // for --only: rk4, dp54, rk4-f64, dp54-f64, dense
    const char* label;
    cubie::precision prec;
    bool dense;
    bool odeint;           // compare against odeint
  };
  std::vector<case_def> cases = {
      {"rk4", "rk4", "classical_rk4 dt=1/1024", cubie::precision::float32, false, true},
      {"dp54", "dp54", "dormand_prince_54 tol=1e-5", cubie::precision::float32, false, true},
  };
  if (opt.extra || !opt.only.empty()) {
    cases.push_back({"rk4", "rk4-f64", "classical_rk4 dt=1/1024", cubie::precision::float64, false, true});
    cases.push_back({"dp54", "dp54-f64", "dormand_prince_54 tol=1e-5", cubie::precision::float64, false, true});
    cases.push_back({"dp54", "dense", "dp54 tol=1e-5 save_every=0.01", cubie::precision::float32, true, false});
  }

  for (const case_def& c : cases) {
    if (!opt.only.empty() && opt.only != c.id) continue;
    const bool rk4 = std::strcmp(c.key, "rk4") == 0;
    const bool f32 = c.prec == cubie::precision::float32;
    cubie::solver_settings s;
    s.algorithm = rk4 ? "classical_rk4" : "dormand_prince_54";
    if (rk4) s.dt = 1.0 / 1024;
    else s.atol = s.rtol = {1e-5};
    s.precision = c.prec;
    s.backend = "cpu";
    s.cpu_threads = threads;
    s.memory.max_chunk_runs = opt.chunk;
    cubie::Solver solver(sys_f, s);
    cubie::solve_spec spec;
    spec.t0 = 0.0;
    spec.duration = 1.0;
    spec.save_initial = false;
    spec.save_counters = true;
    spec.saved_observables = std::vector<std::string>{};
    if (c.dense) spec.save_every = 0.01;

    row out;
    out.name = c.label;
    out.precision = f32 ? "float32" : "float64";

    cubie::SolveResult result;
    auto t0 = clock_type::now();
    solver.solve_into(result, grid, spec);
    out.first_ms = ms_since(t0);

    // odeint output buffers (reused across repetitions).
    std::vector<std::array<float, 3>> of(f32 ? N : 0);
    std::vector<std::array<double, 3>> od(f32 ? 0 : N);
    std::vector<std::uint32_t> o_acc(N), o_att(N);
    const bool with_odeint = CUBIE_BENCH_ODEINT && opt.odeint && c.odeint;

    std::vector<double> t_cubie, t_odeint, c_cubie, c_odeint;
    for (int rep = 0; rep < opt.reps; ++rep) {  // interleaved, so load drifts hit both alike
      double c0 = process_cpu_ms();
      t0 = clock_type::now();
      solver.solve_into(result, grid, spec);
      t_cubie.push_back(ms_since(t0));
      c_cubie.push_back((process_cpu_ms() - c0) / threads);
#if CUBIE_BENCH_ODEINT
      if (with_odeint) {
        c0 = process_cpu_ms();
        t0 = clock_type::now();
        if (rk4) {
          if (f32) odeint_rk4<float>(threads, rho, 1.0 / 1024, of);
          else odeint_rk4<double>(threads, rho, 1.0 / 1024, od);
        } else {
          // Counting RHS calls costs a little; count only on the last repetition.
          const bool count = rep == opt.reps - 1;
          if (f32) odeint_dopri5<float>(threads, rho, 1e-5, 1e-3, of, count ? &o_acc : nullptr, count ? &o_att : nullptr);
          else odeint_dopri5<double>(threads, rho, 1e-5, 1e-3, od, count ? &o_acc : nullptr, count ? &o_att : nullptr);
        }
        t_odeint.push_back(ms_since(t0));
        c_odeint.push_back((process_cpu_ms() - c0) / threads);
      }
#endif
    }
    out.median_ms = median(t_cubie);
    out.min_ms = *std::min_element(t_cubie.begin(), t_cubie.end());
    out.cpu_ms = median(c_cubie);
    if (!t_odeint.empty()) {
      out.odeint_ms = median(t_odeint);
      out.odeint_cpu_ms = median(c_odeint);
    }

    if (result.failed_runs() != 0)
      std::printf("WARNING: %s %s: %lld runs failed\n", c.label, out.precision.c_str(), (long long)result.failed_runs());

    if (f32) {
      const auto td = result.time_domain<float>();
      out.hash = fnv1a(td.data(), td.size_bytes());
    } else {
      const auto td = result.time_domain<double>();
      out.hash = fnv1a(td.data(), td.size_bytes());
    }
    out.hash = fnv1a(result.status().data(), result.status().size_bytes(), out.hash);

    // Steps per run.
    const auto acc = result.steps_accepted();
    const auto rej = result.steps_rejected();
    const stats3 sa = summarize(acc.begin(), acc.end());
    const stats3 sr = summarize(rej.begin(), rej.end());
    char buf[160];
    if (rk4) std::snprintf(buf, sizeof buf, "%.0f", sa.mean);
    else std::snprintf(buf, sizeof buf, "acc %.1f [%.0f-%.0f] rej %.2f", sa.mean, sa.min, sa.max, sr.mean);
    out.steps = buf;
    out.hash = fnv1a(acc.data(), acc.size_bytes(), out.hash);
    out.hash = fnv1a(rej.data(), rej.size_bytes(), out.hash);
    if (with_odeint) {
      if (rk4) {
        out.odeint_steps = "1024";
      } else {
        std::vector<double> orej(N);
        for (std::int64_t i = 0; i < N; ++i) orej[i] = double(o_att[i]) - double(o_acc[i]);
        const stats3 oa = summarize(o_acc.begin(), o_acc.end());
        const stats3 orj = summarize(orej.begin(), orej.end());
        std::snprintf(buf, sizeof buf, "acc %.1f [%.0f-%.0f] rej %.2f", oa.mean, oa.min, oa.max, orj.mean);
        out.odeint_steps = buf;
      }
    }

    // Arithmetic floor from the FLOP counts above and the steps cubie actually took
    // (attempted steps: a rejected step costs as much as an accepted one).
    const int lanes = cubie::cpu::native_vector_bytes / (f32 ? 4 : 8);
    const double steps_per_run = sa.mean + sr.mean;
    out.floor_ms = floor_ms((rk4 ? 74.0 : 266.0) * steps_per_run, lanes);

    // Accuracy against the float64 reference.
    if (CUBIE_BENCH_ODEINT && !c.dense && !opt.quick) {
      const int last = static_cast<int>(result.n_saves() - 1);
      out.rel_err = max_rel(sub, [&](std::int64_t r) {
        return std::array<double, 3>{result.at(last, 0, r), result.at(last, 1, r), result.at(last, 2, r)};
      }, ref);
      if (with_odeint) {
        out.odeint_rel_err = max_rel(sub, [&](std::int64_t r) {
          return f32 ? std::array<double, 3>{of[r][0], of[r][1], of[r][2]}
                     : std::array<double, 3>{od[r][0], od[r][1], od[r][2]};
        }, ref);
      }
    }
    rows.push_back(out);
    std::fflush(stdout);
  }

  // Wall times are medians over the repetitions; "cpu" is the process CPU time divided
  // by the threads (what the wall time would be on an idle machine); speedup is on wall.
  std::printf("%-30s %-7s %8s %8s %7s %7s %8s %9s %8s %8s %7s %8s %8s\n", "case", "prec", "first", "median", "min",
              "cpu", "Mruns/s", "odeint", "odeint", "speedup", "floor", "rel err", "odeint");
  std::printf("%-30s %-7s %8s %8s %7s %7s %8s %9s %8s %8s %7s %8s %8s\n", "", "", "ms", "ms", "ms", "ms", "",
              "ms", "cpu ms", "(wall)", "ms", "", "rel err");
  for (const row& r : rows) {
    const double thr = double(N) / (r.median_ms * 1e-3) / 1e6;
    char od[32] = "-", odc[32] = "-", sp[32] = "-", re[32] = "-", ore[32] = "-";
    if (r.odeint_ms > 0) {
      std::snprintf(od, sizeof od, "%.1f", r.odeint_ms);
      std::snprintf(odc, sizeof odc, "%.1f", r.odeint_cpu_ms);
      std::snprintf(sp, sizeof sp, "%.2fx", r.odeint_ms / r.median_ms);
    }
    if (r.rel_err >= 0) std::snprintf(re, sizeof re, "%.1e", r.rel_err);
    if (r.odeint_rel_err >= 0) std::snprintf(ore, sizeof ore, "%.1e", r.odeint_rel_err);
    std::printf("%-30s %-7s %8.1f %8.1f %7.1f %7.1f %8.2f %9s %8s %8s %7.1f %8s %8s\n", r.name.c_str(),
                r.precision.c_str(), r.first_ms, r.median_ms, r.min_ms, r.cpu_ms, thr, od, odc, sp, r.floor_ms, re, ore);
  }
  std::printf("\nsteps per run (mean [min-max]; accepted / rejected; the controllers differ):\n");
  for (const row& r : rows) {
    std::printf("  %-31s %-8s cubie: %-32s odeint: %s\n", r.name.c_str(), r.precision.c_str(), r.steps.c_str(),
                r.odeint_steps.empty() ? "-" : r.odeint_steps.c_str());
  }
  std::printf("\noutput hashes (outputs, status, counters):\n");
  for (const row& r : rows)
    std::printf("  %-31s %-8s %016llx\n", r.name.c_str(), r.precision.c_str(), (unsigned long long)r.hash);
  std::printf("\nload average at end: %s\n", loadavg().c_str());
  return 0;
}
