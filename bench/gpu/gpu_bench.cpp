// bench/gpu/gpu_bench.cpp
// End-to-end GPU benchmarks of Solver::solve_into on the Lorenz ensemble (issue 3, B1 to B4):
// the first solve of a fresh Solver, then the steady state (result storage reused, median of
// --reps solves), each time beside its floor. Prints one table.
//
// Problem (the GPU ODE benchmarks' Lorenz): float32, rho = linspace(0, 21, N), sigma = 10,
// beta = 8/3, x0 = (1, 0, 0), t in [0, 1]; final state only (no initial save, no observable).
//   B1  classical_rk4, dt = 1/1024, N = 4,194,304 and 16,777,216 (no step counters)
//   B2  dormand_prince_54, atol = rtol = 1e-5, N = 16,777,216: accepted / rejected steps per
//       run, and the error against dormand_prince_54 in float64 at atol = rtol = 1e-12 on a
//       subsample (every 1024th run); also cash_karp_54
//   B3  classical_rk4, dt = 1/1024, save_every = 0.01 (101 saves of x, y, z), N = 4,194,304
//   B4  B3 with dt = 1/8192: pipelined wall time against max(kernel, transfer) of a serial
//       solve (memory_settings::min_chunks = 1: one chunk, phases one after the other), and
//       again with mem_proportion = 0.01 (many chunks)
//   B1 at N = 65,536 with each allocator (default, pool, async)
//   SUM (issue 10) B1 with output_types = [max, mean, peaks[4]] of x and no trajectory,
//       sample_summaries_every = dt (every step is a sample), one window over the span;
//       N = 16,777,216 and 134,217,728, each beside B1 with final-state output (the goal:
//       within 1.3x of its time), with the kernel fitted to those metrics and with the one
//       carrying every accumulator group; bytes per run, registers, and a check of the
//       values against the CPU on a subsample. Not in the default set: --only SUM.
//   L96 a large system (issue 3 item 1: per-run state in registers or in local memory?):
//       Lorenz-96 with 40 states, float32, F = linspace(6, 10, N), x = (8.01, 8, ..., 8), t in
//       [0, 1], final state of all 40 states, N = 1,048,576; classical_rk4 with dt = 1/256 and
//       dormand_prince_54 with atol = rtol = 1e-5; each with the kernels built three ways:
//       default launch bounds (registers as the compiler likes, up to 255), and
//       __launch_bounds__(128, 4) / (128, 8) (at most 128 / 64 registers, the rest spilled to
//       local memory). One row per build: registers, local bytes per thread (stack and
//       spills, cudaFuncGetAttributes), resident blocks per SM, steady time, kernel time,
//       throughput, speed against the default build.
//
// Floors: kernel = SASS instructions per step x steps x N / 31.85e12 instructions/s (the
// H200's fp32 issue rate: 132 SMs x 4 x 32 lanes x 1.98 GHz, 63.7 TFLOP/s of FMA); the
// instruction counts come from `tests/backends/sass_check.py count --kv` on this binary
// (--sass FILE); transfer = bytes both ways / 55 GB/s (PCIe 5 x16 measured). Steps: rk4 takes
// a fixed count; adaptive methods the mean accepted + rejected steps per run.
//
//   DRV, EVT (issue 10, not in the default set): drivers and events, N = 4,194,304
//       (bench/signals/signals_bench_cases.hpp): the forced oscillator with a 10,000-sample
//       cubic-spline driver against sin(t) in the equations, and the bouncing ball with a
//       reset at each impact and 50 bounces logged per run.
//
//   cubie_gpu_bench [--sass FILE] [--reps R] [--only B1,B2,B3,B4,ALLOC,L96,SUM,DRV,EVT] [--scale S] [--pageable]
// --scale divides every N (a quick check on a small GPU); --pageable keeps results in pageable
// memory (memory_settings::pinned_results = false: the staging ring's path).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/backends/cuda/cuda_executor.hpp"
#include "cubie/backends/cuda/kernel_launcher.hpp"
#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/solver.hpp"
#include "lorenz96_bench_systems.hpp"
#include "lorenz_bench_systems.hpp"
#include "signals_bench_cases.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
constexpr double issue_rate = 31.85e12;  // instructions per second
constexpr double link_rate = 55e9;       // bytes per second

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct options {
  std::string sass_file;
  int reps = 5;
  std::string only = "B1,B2,B3,B4,ALLOC,L96";
  std::int64_t scale = 1;
};

// "label loop per_step" lines from sass_check.py count --kv.
std::map<std::string, double> read_sass(const std::string& path) {
  std::map<std::string, double> m;
  if (path.empty()) return m;
  std::ifstream in(path);
  std::string label, loop;
  double per_step = 0;
  while (in >> label >> loop >> per_step) m[label + " " + loop] = per_step;
  return m;
}

struct measured {
  double first_ms = 0, steady_ms = 0, min_ms = 0;
  // The second solve: under CUBIE_HOST_STAGING=first_pageable it pins what the first did not.
  double second_ms = 0;
  // Fresh pinned memory the first solve made (the pinned pool's upstream: result storage,
  // ring slots, input staging) and the time that took; steady solves should make none.
  double first_pinned_mb = 0, first_pinned_ms = 0, steady_pinned_mb = 0;
  cubie::solve_statistics stats;
  cubie::SolveResult result;
};

measured run_case(cubie::Solver& solver, const cubie::batch_grid& grid, const cubie::solve_spec& spec, int reps) {
  measured m;
  cubie::memory::pinned_host_pool& pool = cubie::cuda::shared_pinned_pool(0, 0);  // 0: leaves its bound as it is
  const std::uint64_t bytes0 = pool.upstream_bytes();
  const double seconds0 = pool.upstream_seconds();
  auto t0 = clock_type::now();
  solver.solve_into(m.result, grid, spec);
  m.first_ms = ms_since(t0);
  const std::uint64_t bytes1 = pool.upstream_bytes();
  m.first_pinned_mb = double(bytes1 - bytes0) / 1e6;
  m.first_pinned_ms = (pool.upstream_seconds() - seconds0) * 1e3;
  std::vector<double> times;
  for (int i = 0; i < std::max(reps, 1); ++i) {
    t0 = clock_type::now();
    solver.solve_into(m.result, grid, spec);
    times.push_back(ms_since(t0));
  }
  m.steady_ms = median(times);
  m.second_ms = times.front();
  m.steady_pinned_mb = double(pool.upstream_bytes() - bytes1) / 1e6;
  m.min_ms = *std::min_element(times.begin(), times.end());
  m.stats = m.result.statistics();
  return m;
}

cubie::batch_grid lorenz_grid(std::int64_t n, std::int64_t stride = 1) {
  std::vector<double> rho;
  rho.reserve(static_cast<std::size_t>(n / stride + 1));
  for (std::int64_t i = 0; i < n; i += stride) rho.push_back(n == 1 ? 0.0 : 21.0 * double(i) / double(n - 1));
  return cubie::batch_grid::build(cubie::bench::lorenz_float_system()->info, {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}},
                                  {{"rho", rho}});
}

// --pageable: results in pageable storage, filled through the staging ring (--no-ring:
// downloaded into it directly).
bool pageable_results = false;
bool staging_ring = true;

cubie::solver_settings settings_for(const std::string& algorithm, double dt_or_tol) {
  cubie::solver_settings s;
  s.memory.pinned_results = !pageable_results;
  s.memory.staging_ring = staging_ring;
  s.algorithm = algorithm;
  s.precision = cubie::precision::float32;
  s.backend = "cuda";
  if (algorithm == "classical_rk4") {
    s.dt = dt_or_tol;
  } else {
    s.atol = {dt_or_tol};
    s.rtol = {dt_or_tol};
  }
  return s;
}

cubie::solve_spec final_state(bool counters) {
  cubie::solve_spec spec;
  spec.duration = 1.0;
  spec.save_initial = false;
  spec.saved_observables = std::vector<std::string>{};
  spec.save_counters = counters;
  spec.save_t_reached = false;  // B1-B3 as defined before t_reached existed (12 bytes a run more)
  return spec;
}

cubie::solve_spec dense(double save_every) {
  cubie::solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = save_every;
  spec.saved_observables = std::vector<std::string>{};
  spec.save_counters = false;
  spec.save_t_reached = false;
  return spec;
}

class table {
 public:
  table() {
    std::printf("%-34s %10s %9s %9s %8s %9s %8s %8s %7s %9s %9s %7s %8s %8s %8s %8s\n", "case", "N", "first ms", "steady",
                "setup", "kernel", "h2d", "d2h", "chunks", "k.floor", "t.floor", "x floor", "1st pin", "pin ms",
                "st. pin", "2nd ms");
  }
  void row(const std::string& name, std::int64_t n, const measured& m, double kernel_floor_ms) {
    const cubie::solve_statistics& s = m.stats;
    const double transfer_floor = double(s.bytes_to_device + s.bytes_to_host) / link_rate * 1e3;
    const double floor = std::max(kernel_floor_ms, transfer_floor);
    char kf[32];
    if (kernel_floor_ms > 0) std::snprintf(kf, sizeof kf, "%9.2f", kernel_floor_ms);
    else std::snprintf(kf, sizeof kf, "%9s", "n/a");
    std::printf("%-34s %10lld %9.2f %9.2f %8.2f %9.2f %8.2f %8.2f %7lld %s %9.2f %7.2f %8.1f %8.2f %8.1f %8.2f\n",
                name.c_str(), static_cast<long long>(n), m.first_ms, m.steady_ms, s.setup_ms, s.kernel_ms, s.h2d_ms,
                s.d2h_ms, static_cast<long long>(s.chunks), kf, transfer_floor, floor > 0 ? m.steady_ms / floor : 0.0,
                m.first_pinned_mb, m.first_pinned_ms, m.steady_pinned_mb, m.second_ms);
    std::fflush(stdout);
  }
};

struct step_counts {
  double acc_mean = 0, rej_mean = 0;
  unsigned acc_max = 0, rej_max = 0;
};

step_counts count_steps(const cubie::SolveResult& r) {
  step_counts c;
  const auto acc = r.steps_accepted();
  const auto rej = r.steps_rejected();
  double sa = 0, sr = 0;
  for (std::size_t i = 0; i < acc.size(); ++i) {
    sa += acc[i];
    sr += rej[i];
    c.acc_max = std::max(c.acc_max, acc[i]);
    c.rej_max = std::max(c.rej_max, rej[i]);
  }
  c.acc_mean = sa / double(acc.size());
  c.rej_mean = sr / double(acc.size());
  return c;
}

cubie::batch_grid lorenz96_grid(const cubie::system_info& info, std::int64_t n) {
  cubie::named_arrays x;
  for (int i = 0; i < info.n_states(); ++i) x.push_back({info.states[static_cast<std::size_t>(i)], {i == 0 ? 8.01 : 8.0}});
  std::vector<double> forcing(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) forcing[static_cast<std::size_t>(i)] = n == 1 ? 8.0 : 6.0 + 4.0 * double(i) / double(n - 1);
  return cubie::batch_grid::build(info, x, {{"F", forcing}});
}

// Lorenz-96 (40 states) built three ways: registers against local memory.
void run_lorenz96(const options& opt, table& t) {
  const std::int64_t n = 1'048'576 / opt.scale;
  const auto variants = cubie::bench::lorenz96_variants();
  const auto grid = lorenz96_grid(variants.front().system->info, n);
  struct row {
    std::string label;
    cubie::cuda::kernel_properties kp;
    measured m;
  };
  std::vector<row> rows;
  for (const char* method : {"classical_rk4", "dormand_prince_54"}) {
    const bool rk4 = method[0] == 'c';
    double default_ms = 0;
    for (const auto& v : variants) {
      cubie::solver_settings s = settings_for(method, rk4 ? 1.0 / 256 : 1e-5);
      cubie::Solver solver(v.system, s);
      const cubie::gpu_kernel& k = v.system->gpu.at({method, cubie::precision::float32});
      const cubie::cuda::kernel_properties kp = cubie::cuda::query_kernel_properties(k, 0);
      cubie::solve_spec spec = final_state(!rk4);
      measured m = run_case(solver, grid, spec, opt.reps);
      const std::string label = std::string("L96 ") + (rk4 ? "rk4 dt=1/256 " : "dopri54 tol=1e-5 ") + v.label;
      t.row(label, n, m, 0.0);
      if (v.min_blocks == 0) default_ms = m.steady_ms;
      char steps[96] = "";
      if (!rk4) {
        const step_counts c = count_steps(m.result);
        std::snprintf(steps, sizeof steps, "; steps per run: accepted %.1f, rejected %.1f", c.acc_mean, c.rej_mean);
      }
      std::printf("   %s: %d registers, %zu bytes local per thread, %d blocks of 128 per SM (%lld resident runs), "
                  "%.1f M runs/s, %.2f x the default build's speed; failed runs %lld%s\n",
                  label.c_str(), kp.registers_per_thread, kp.local_bytes_per_thread, kp.blocks_per_multiprocessor,
                  static_cast<long long>(kp.resident_threads()), double(n) / m.steady_ms * 1e-3,
                  default_ms > 0 ? default_ms / m.steady_ms : 0.0, static_cast<long long>(m.result.failed_runs()), steps);
      std::fflush(stdout);
    }
  }
}

cubie::solve_spec summaries_spec() {
  cubie::solve_spec spec;
  spec.duration = 1.0;
  spec.output_types = std::vector<std::string>{"max", "mean", "peaks[4]"};
  spec.summarise_variables = std::vector<std::string>{"x"};
  spec.sample_summaries_every = 1.0 / 1024;
  spec.save_counters = false;
  spec.save_t_reached = false;
  return spec;
}

// SUM: summary metrics against B1's final state, at two sizes.
void run_summaries(const options& opt, table& t) {
  const auto fsys = cubie::bench::lorenz_float_system();
  const auto ssys = cubie::bench::lorenz_float_summary_system();
  // The same system with only the every-group kernel: what summary_entries<> gives.
  auto all_only = std::make_shared<cubie::compiled_system>(*ssys);
  std::erase_if(all_only->gpu_summaries,
                [](const auto& e) { return std::get<2>(e.first) != cubie::summary_group::all; });
  const cubie::entry_key key{"classical_rk4", cubie::precision::float32};
  const auto fitted_k = cubie::cuda::query_kernel_properties(
      ssys->gpu_summaries.at({"classical_rk4", cubie::precision::float32, cubie::bench::sum_bench_groups}), 0);
  const auto all_k = cubie::cuda::query_kernel_properties(
      ssys->gpu_summaries.at({"classical_rk4", cubie::precision::float32, cubie::summary_group::all}), 0);
  const auto plain_k = cubie::cuda::query_kernel_properties(fsys->gpu.at(key), 0);
  const auto bsys = cubie::bench::lorenz_float_summary_system_bounded();
  const auto bounded_k = cubie::cuda::query_kernel_properties(
      bsys->gpu_summaries.at({"classical_rk4", cubie::precision::float32, cubie::bench::sum_bench_groups}), 0);
  std::printf("   SUM kernels: B1 %d registers (%d blocks/SM); fitted [max, mean, peaks] %d registers (%d blocks/SM), "
              "%zu bytes local; fitted lb(128,8) %d registers (%d blocks/SM), %zu bytes local; every group %d "
              "registers (%d blocks/SM), %zu bytes local\n",
              plain_k.registers_per_thread, plain_k.blocks_per_multiprocessor, fitted_k.registers_per_thread,
              fitted_k.blocks_per_multiprocessor, fitted_k.local_bytes_per_thread, bounded_k.registers_per_thread,
              bounded_k.blocks_per_multiprocessor, bounded_k.local_bytes_per_thread, all_k.registers_per_thread,
              all_k.blocks_per_multiprocessor, all_k.local_bytes_per_thread);
  const cubie::solve_spec spec = summaries_spec();
  for (std::int64_t n : {std::int64_t{16'777'216} / opt.scale, std::int64_t{134'217'728} / opt.scale}) {
    const auto grid = lorenz_grid(n);
    double b1_ms = 0;
    std::uint64_t b1_bytes = 0;
    {
      cubie::Solver solver(fsys, settings_for("classical_rk4", 1.0 / 1024));
      b1_bytes = solver.output_layout(grid, final_state(false)).bytes_per_run();
      measured m = run_case(solver, grid, final_state(false), opt.reps);
      t.row("SUM ref: B1 rk4 final state", n, m, 0.0);
      b1_ms = m.steady_ms;
    }
    const char* labels[] = {"SUM max,mean,peaks[4] fitted kernel", "SUM max,mean,peaks[4] fitted lb(128,8)",
                            "SUM max,mean,peaks[4] every-group kernel"};
    const char* short_labels[] = {"fitted", "fitted lb(128,8)", "every group"};
    for (int variant = 0; variant < 3; ++variant) {
      const std::shared_ptr<const cubie::compiled_system> sys =
          variant == 0 ? ssys : variant == 1 ? bsys : std::shared_ptr<const cubie::compiled_system>(all_only);
      cubie::Solver solver(sys, settings_for("classical_rk4", 1.0 / 1024));
      const std::uint64_t bytes = solver.output_layout(grid, spec).bytes_per_run();
      measured m = run_case(solver, grid, spec, opt.reps);
      t.row(labels[variant], n, m, 0.0);
      // The values against the CPU backend on every 4096th run (same loop, host compiler).
      const std::int64_t stride = 4096;
      const auto sub = lorenz_grid(n, stride);
      cubie::solver_settings cs = settings_for("classical_rk4", 1.0 / 1024);
      cs.backend = "cpu";
      const cubie::SolveResult cpu = cubie::Solver(ssys, cs).solve(sub, spec);
      double worst = 0;
      std::int64_t peaks_differ = 0;
      for (std::int64_t j = 0; j < cpu.n_runs(); ++j) {
        for (std::int64_t row = 0; row < cpu.n_summaries(); ++row) {
          const double a = m.result.summary_at(0, row, j * stride), b = cpu.summary_at(0, row, j);
          if (row >= 2) {  // peak times: the same sample, or both none
            peaks_differ += !(a == b || (std::isnan(a) && std::isnan(b)));
          } else {
            worst = std::max(worst, std::abs(a - b) / (1.0 + std::abs(b)));
          }
        }
      }
      std::printf("   %s: %llu bytes per run (B1 final state: %llu), %.3f x B1's time (goal <= 1.3), failed runs %lld; "
                  "against the CPU on %lld runs: max/mean worst |diff| / (1 + |cpu|) %.2e, peak times differing %lld\n",
                  short_labels[variant], static_cast<unsigned long long>(bytes),
                  static_cast<unsigned long long>(b1_bytes), m.steady_ms / b1_ms,
                  static_cast<long long>(m.result.failed_runs()), static_cast<long long>(cpu.n_runs()), worst,
                  static_cast<long long>(peaks_differ));
      std::fflush(stdout);
      m.result = cubie::SolveResult{};
    }
  }
}

}  // namespace

namespace cubie::bench {
signal_bench_systems signal_gpu_systems();  // signals_bench_systems.cu
}

int main(int argc, char** argv) {
  options opt;
  std::string command = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    command += " " + a;
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      command += std::string(" ") + argv[i + 1];
      return argv[++i];
    };
    if (a == "--sass") opt.sass_file = next();
    else if (a == "--reps") opt.reps = std::atoi(next().c_str());
    else if (a == "--only") opt.only = next();
    else if (a == "--scale") opt.scale = std::max<std::int64_t>(1, std::atoll(next().c_str()));
    else if (a == "--pageable") pageable_results = true;
    else if (a == "--no-ring") staging_ring = false;
    else {
      std::fprintf(stderr,
                   "usage: %s [--sass FILE] [--reps R] [--only B1,B2,B3,B4,ALLOC,L96,SUM,DRV,EVT] [--scale S] "
                   "[--pageable]\n",
                   argv[0]);
      return 2;
    }
  }
  if (!cubie::cuda_device_available()) {
    std::printf("no usable CUDA device: %s\n", cubie::cuda_unavailable_reason().c_str());
    return 0;
  }
  const auto want = [&](const char* b) { return opt.only.find(b) != std::string::npos; };
  const auto sass = read_sass(opt.sass_file);
  auto per_step = [&](const std::string& key) {
    const auto it = sass.find(key);
    return it == sass.end() ? 0.0 : it->second;
  };
  auto floor_ms = [](double instr_per_step, double steps, std::int64_t n) {
    return instr_per_step > 0 ? instr_per_step * steps * double(n) / issue_rate * 1e3 : 0.0;
  };

  const auto gpus = cubie::list_gpus();
  const std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::printf("cubie GPU benchmarks on %s (%.0f GiB), %s\ncommand: %s\n", gpus.empty() ? "?" : gpus[0].name.c_str(),
              gpus.empty() ? 0.0 : double(gpus[0].total_bytes) / double(1ull << 30), date, command.c_str());
  std::printf("times in ms; steady = median of %d solves after the first, result storage reused; kernel/h2d/d2h are\n"
              "CUDA-event sums over chunks (overlapping when pipelined); floors: kernel = SASS instr/step x steps x N /\n"
              "31.85e12, transfer = bytes / 55 GB/s; x floor = steady / max(floors); 1st pin / pin ms = MB of fresh\n"
              "pinned memory the first solve made and the ms that took (pinned pool upstream: %s), st. pin = MB\n"
              "the steady solves made, 2nd ms = the second solve; host staging %s up to %llu MiB\n\n",
              opt.reps, cubie::memory::pinning_method_name(cubie::memory::default_pinning_method()).c_str(),
              cubie::memory::host_staging_name(cubie::memory::default_host_staging_policy().mode).c_str(),
              static_cast<unsigned long long>(cubie::memory::default_host_staging_policy().pageable_up_to >> 20));
  table t;
  const auto fsys = cubie::bench::lorenz_float_system();
  const std::int64_t big = 16'777'216 / opt.scale, mid = 4'194'304 / opt.scale, small = 65'536 / opt.scale;

  if (want("B1")) {
    for (std::int64_t n : {mid, big}) {
      const auto grid = lorenz_grid(n);
      cubie::Solver solver(fsys, settings_for("classical_rk4", 1.0 / 1024));
      const measured m = run_case(solver, grid, final_state(false), opt.reps);
      t.row("B1 rk4 dt=1/1024 final", n, m, floor_ms(per_step("lorenz/classical_rk4<float> fixed_count"), 1024, n));
    }
  }

  if (want("B2")) {
    const auto grid = lorenz_grid(big);
    // The reference: every 1024th run in float64 at atol = rtol = 1e-12.
    constexpr std::int64_t stride = 1024;
    const auto ref_grid = lorenz_grid(big, stride);
    cubie::solver_settings rs = settings_for("dormand_prince_54", 1e-12);
    rs.precision = cubie::precision::float64;
    rs.max_steps = 100'000'000;
    cubie::Solver ref_solver(cubie::bench::lorenz_double_system(), rs);
    const cubie::SolveResult ref = ref_solver.solve(ref_grid, final_state(true));
    for (const char* method : {"dormand_prince_54", "cash_karp_54"}) {
      cubie::Solver solver(fsys, settings_for(method, 1e-5));
      const measured m = run_case(solver, grid, final_state(true), opt.reps);
      const step_counts c = count_steps(m.result);
      const std::string label = std::string("lorenz/") + method + "<float> general";
      t.row(std::string("B2 ") + (method[0] == 'd' ? "dopri54" : "cash_karp54") + " tol=1e-5 final", big, m,
            floor_ms(per_step(label), c.acc_mean + c.rej_mean, big));
      double max_err = 0, sum_err = 0;
      std::int64_t compared = 0;
      for (std::int64_t j = 0; j < ref.n_runs(); ++j) {
        const std::int64_t run = j * stride;
        for (int v = 0; v < 3; ++v) {
          const double e = std::abs(m.result.at(0, v, run) - ref.at(0, v, j)) / (1.0 + std::abs(ref.at(0, v, j)));
          max_err = std::max(max_err, e);
          sum_err += e;
          ++compared;
        }
      }
      std::printf("   steps per run: accepted mean %.1f max %u, rejected mean %.1f max %u; failed runs %lld; error vs "
                  "float64 dopri54 at 1e-12 (%lld runs): max %.2e, mean %.2e (|err| / (1 + |ref|))\n",
                  c.acc_mean, c.acc_max, c.rej_mean, c.rej_max, static_cast<long long>(m.result.failed_runs()),
                  static_cast<long long>(ref.n_runs()), max_err, sum_err / double(std::max<std::int64_t>(compared, 1)));
    }
  }

  // B3 and B4 return 5.1 GB per solve: the pinned pool keeps that much, so each case's first
  // solve reuses the storage the previous case gave back instead of pinning 5 GB afresh.
  constexpr std::uint64_t dense_pinned_pool = std::uint64_t{8} << 30;
  if (want("B3")) {
    const auto grid = lorenz_grid(mid);
    cubie::solver_settings s = settings_for("classical_rk4", 1.0 / 1024);
    s.memory.pinned_pool_bytes = dense_pinned_pool;
    cubie::Solver solver(fsys, s);
    measured m = run_case(solver, grid, dense(0.01), opt.reps);
    t.row("B3 rk4 dt=1/1024 save_every=0.01", mid, m, floor_ms(per_step("lorenz/classical_rk4<float> general"), 1024, mid));
    m.result = cubie::SolveResult{};  // back to the pinned pool
  }

  if (want("B4")) {
    const auto grid = lorenz_grid(mid);
    const double k_floor = floor_ms(per_step("lorenz/classical_rk4<float> general"), 8192, mid);
    cubie::solver_settings s = settings_for("classical_rk4", 1.0 / 8192);
    s.memory.pinned_pool_bytes = dense_pinned_pool;
    s.memory.min_chunks = 1;  // serial: one chunk, upload, kernel and download one after the other
    measured serial;
    {
      cubie::Solver solver(fsys, s);
      serial = run_case(solver, grid, dense(0.01), opt.reps);
      serial.result = cubie::SolveResult{};
      t.row("B4 serial (1 chunk) dt=1/8192", mid, serial, k_floor);
    }
    s.memory.min_chunks = 2;
    measured piped;
    {
      cubie::Solver solver(fsys, s);
      piped = run_case(solver, grid, dense(0.01), opt.reps);
      piped.result = cubie::SolveResult{};
      t.row("B4 pipelined dt=1/8192", mid, piped, k_floor);
    }
    s.memory.mem_proportion = 0.01;
    measured tight;
    {
      cubie::Solver solver(fsys, s);
      tight = run_case(solver, grid, dense(0.01), opt.reps);
      tight.result = cubie::SolveResult{};
      t.row("B4 pipelined mem_proportion=0.01", mid, tight, k_floor);
    }
    const double kernel = serial.stats.kernel_ms, transfer = serial.stats.h2d_ms + serial.stats.d2h_ms;
    const double bound = std::max(kernel, transfer);
    std::printf("   B4 overlap: kernel %.2f ms, transfers %.2f ms (serial sum %.2f, serial wall %.2f); pipelined wall "
                "%.2f = %.3f x max (goal <= 1.15), %lld chunks on %d streams; mem_proportion=0.01: %.2f = %.3f x max, "
                "%lld chunks, peak device %.1f MiB of a %.1f MiB budget\n",
                kernel, transfer, kernel + transfer, serial.steady_ms, piped.steady_ms, piped.steady_ms / bound,
                static_cast<long long>(piped.stats.chunks), piped.stats.streams, tight.steady_ms, tight.steady_ms / bound,
                static_cast<long long>(tight.stats.chunks), double(tight.stats.peak_device_bytes) / 1048576.0,
                double(tight.stats.budget_bytes) / 1048576.0);
  }

  if (want("ALLOC")) {
    const auto grid = lorenz_grid(small);
    for (const char* alloc : {"default", "pool", "async"}) {
      cubie::solver_settings s = settings_for("classical_rk4", 1.0 / 1024);
      s.memory.allocator = alloc;
      cubie::Solver solver(fsys, s);
      const measured m = run_case(solver, grid, final_state(false), opt.reps);
      t.row(std::string("B1 rk4 allocator=") + alloc, small, m,
            floor_ms(per_step("lorenz/classical_rk4<float> fixed_count"), 1024, small));
      std::printf("   %s: device allocations in a steady-state solve: %llu, device bytes kept: %llu\n", alloc,
                  static_cast<unsigned long long>(m.stats.device_allocations),
                  static_cast<unsigned long long>(m.stats.current_device_bytes));
    }
  }
  if (want("L96")) run_lorenz96(opt, t);
  if (want("SUM")) run_summaries(opt, t);
  if (want("DRV")) {
    std::printf("\n");
    cubie::bench::run_driver_cases("cuda", cubie::bench::signal_gpu_systems(), 4'194'304 / opt.scale, opt.reps);
  }
  if (want("EVT")) {
    std::printf("\n");
    cubie::bench::run_event_cases("cuda", cubie::bench::signal_gpu_systems(), 4'194'304 / opt.scale, opt.reps);
  }
  return 0;
}
