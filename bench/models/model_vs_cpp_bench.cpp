// bench/models/model_vs_cpp_bench.cpp
// The model-file Lorenz (examples/bench_lorenz.toml, compiled at run time: the host C++
// compiler for the CPU, NVRTC for the GPU) against the same system written in C++
// (cubie::systems::lorenz through make_system), with identical settings (issue 4 item 2:
// within 5%, bit-identical results). Also `cubie run`'s reported solve time on the CPU
// against the engine core's targets (issue 4 item 6). Prints one table last.
//
// Problem (the GPU ODE benchmarks' Lorenz ensemble): float32, rho = linspace(0, 21, N),
// sigma = 10, beta = 8/3, x0 = (1, 0, 0), t in [0, 1], final state only (no initial save,
// no observable; step counters kept, to compare them):
//   classical_rk4 with dt = 1/1024, and dormand_prince_54 with atol = rtol = 1e-5;
//   CPU: N = 65,536, every core;  GPU (B1 and dopri54): N = 4,194,304.
//
// Steps:
//   1. compile the model file for both methods in float32, for the CPU and (where a GPU
//      and NVRTC are usable) the GPU, into a fresh cache folder: the cold compile time,
//      then again: the cache-hit time;
//   2. per backend and method, one Solver for the model and one for the C++ system, a
//      warm-up solve each, then --reps steady-state solves each (solve_into, result
//      storage reused), interleaved and alternating which goes first so that load drifts
//      hit both alike; the medians, their ratio model / C++ (goal <= 1.05), the median of
//      the ratios of adjacent pairs, and on a shared CPU also the ratio of process CPU time
//      per thread; on the GPU the kernel-time ratio (CUDA events);
//   3. bit-identity: the time-domain bytes, status and step counters of the model's last
//      solve against the C++ system's (memcmp); any difference makes the exit status 1;
//   4. `cubie run examples/bench_lorenz.toml --backend cpu --json` (rk4 by --set), if the
//      command has been built: a warm-up run, then the median of timings_ms.solve over
//      --cli-reps runs against the targets (classical_rk4 <= 96 ms, dormand_prince_54 <=
//      26 ms on the reference 2-core machine; the engine core issue's 5x / 3x Boost.odeint).
//      On a shared machine the wall time says little, so the solve's CPU time per thread is
//      estimated too: the process CPU time of the run less that of the same run with a
//      64-run sweep (start, parse, cache lookup), divided by the thread count.
//
//   cubie_model_bench [--model FILE] [--cpu-n N] [--gpu-n N] [--reps R] [--gpu-reps R]
//                     [--threads T] [--no-cpu] [--no-gpu] [--no-cli] [--cli PATH]
//                     [--cli-reps R] [--cache-dir DIR]
// Defaults: --reps 15 (CPU classical_rk4; dormand_prince_54 three times as many), --gpu-reps 7,
// --cli-reps 5, every core, a fresh cache folder (removed at exit). About 25 s on a loaded
// 2-core machine (two cold host compiles of about 5 s each for `cubie run` included).
// Exit status: 0 all compared results bit-identical, 1 a difference or an error, 2 bad usage.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cpp_lorenz_systems.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/models/model.hpp"
#include "cubie/models/model_compiler.hpp"
#include "cubie/models/sweep.hpp"

namespace {

namespace fs = std::filesystem;
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
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double minimum(const std::vector<double>& v) { return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end()); }

std::string loadavg() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      std::string v = line.substr(line.find(':') + 1);
      v.erase(0, v.find_first_not_of(' '));
      return v;
    }
  }
  return "unknown CPU";
}

struct options {
  fs::path model = CUBIE_MODEL_BENCH_FILE;
  std::int64_t cpu_n = 65'536;
  std::int64_t gpu_n = 4'194'304;
  int reps = 15;  // CPU, classical_rk4; dormand_prince_54 runs three times as many
  int gpu_reps = 7;
  int cli_reps = 5;
  int threads = 0;  // 0: every core
  bool cpu = true, gpu = true, cli = true;
  std::string cli_path = CUBIE_MODEL_BENCH_CLI;
  fs::path cache_dir;  // empty: a fresh folder under the temp folder, removed at the end
};

struct method_case {
  const char* key;        // the table's name
  const char* algorithm;  // the Solver's
};
constexpr method_case methods_run[] = {{"rk4", "classical_rk4"}, {"dopri54", "dormand_prince_54"}};

cubie::solver_settings settings_for(const method_case& m, const std::string& backend, int threads) {
  cubie::solver_settings s;
  s.algorithm = m.algorithm;
  s.precision = cubie::precision::float32;
  s.backend = backend;
  s.cpu_threads = threads;
  if (std::strcmp(m.key, "rk4") == 0) {
    s.dt = 1.0 / 1024;
  } else {
    s.atol = {1e-5};
    s.rtol = {1e-5};
  }
  return s;
}

cubie::solve_spec final_state() {
  cubie::solve_spec spec;
  spec.t0 = 0.0;
  spec.duration = 1.0;
  spec.save_initial = false;
  spec.saved_observables = std::vector<std::string>{};
  spec.save_counters = true;
  return spec;
}

cubie::batch_grid lorenz_grid(const cubie::system_info& info, const std::vector<double>& rho) {
  return cubie::batch_grid::build(info, {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", rho}});
}

// ---- timing --------------------------------------------------------------------------

struct side {
  double first_ms = 0;
  std::vector<double> wall, cpu, kernel;
  cubie::SolveResult result;
};

void timed_solve(cubie::Solver& solver, const cubie::batch_grid& grid, const cubie::solve_spec& spec, side& s,
                 int threads) {
  const double c0 = process_cpu_ms();
  const auto t0 = clock_type::now();
  solver.solve_into(s.result, grid, spec);
  s.wall.push_back(ms_since(t0));
  s.cpu.push_back((process_cpu_ms() - c0) / threads);
  s.kernel.push_back(s.result.statistics().kernel_ms);
}

struct comparison {
  side model, cpp;
};

comparison measure(cubie::Solver& model_solver, const cubie::batch_grid& model_grid, cubie::Solver& cpp_solver,
                   const cubie::batch_grid& cpp_grid, int reps, int threads) {
  comparison c;
  const cubie::solve_spec spec = final_state();
  auto t0 = clock_type::now();
  model_solver.solve_into(c.model.result, model_grid, spec);
  c.model.first_ms = ms_since(t0);
  t0 = clock_type::now();
  cpp_solver.solve_into(c.cpp.result, cpp_grid, spec);
  c.cpp.first_ms = ms_since(t0);
  for (int rep = 0; rep < reps; ++rep) {
    if (rep % 2 == 0) {
      timed_solve(model_solver, model_grid, spec, c.model, threads);
      timed_solve(cpp_solver, cpp_grid, spec, c.cpp, threads);
    } else {
      timed_solve(cpp_solver, cpp_grid, spec, c.cpp, threads);
      timed_solve(model_solver, model_grid, spec, c.model, threads);
    }
  }
  return c;
}

// ---- bit-identity --------------------------------------------------------------------

struct identity {
  bool same = true;
  std::string detail;  // what differs
};

identity compare_bits(const cubie::SolveResult& a, const cubie::SolveResult& b) {
  identity id;
  auto differ = [&](const std::string& what) {
    id.same = false;
    id.detail += (id.detail.empty() ? "" : "; ") + what;
  };
  if (a.precision() != b.precision() || a.n_saves() != b.n_saves() || a.n_runs() != b.n_runs() ||
      a.variables() != b.variables()) {
    differ("shapes or variables differ");
    return id;
  }
  const auto ta = a.time_domain<float>();
  const auto tb = b.time_domain<float>();
  if (ta.size() != tb.size()) {
    differ("time-domain sizes differ");
  } else if (std::memcmp(ta.data(), tb.data(), ta.size_bytes()) != 0) {
    std::size_t n = 0, first = 0;
    for (std::size_t i = 0; i < ta.size(); ++i) {
      if (std::memcmp(&ta[i], &tb[i], sizeof(float)) != 0 && n++ == 0) first = i;
    }
    char buf[200];
    std::snprintf(buf, sizeof buf, "%zu of %zu time-domain values differ (first at %zu: %.9g vs %.9g)", n, ta.size(),
                  first, double(ta[first]), double(tb[first]));
    differ(buf);
  }
  if (std::memcmp(a.status().data(), b.status().data(), a.status().size_bytes()) != 0) differ("status differs");
  if (a.has_counters() != b.has_counters()) {
    differ("one result has no step counters");
  } else if (a.has_counters()) {
    if (std::memcmp(a.steps_accepted().data(), b.steps_accepted().data(), a.steps_accepted().size_bytes()) != 0)
      differ("accepted step counts differ");
    if (std::memcmp(a.steps_rejected().data(), b.steps_rejected().data(), a.steps_rejected().size_bytes()) != 0)
      differ("rejected step counts differ");
  }
  return id;
}

// ---- rows ----------------------------------------------------------------------------

struct row {
  std::string backend, method;
  std::int64_t n = 0;
  double model_ms = 0, cpp_ms = 0, model_min = 0, cpp_min = 0;
  double paired = 0;        // median over repetitions of model / C++ of adjacent solves
  double second_ratio = 0;  // CPU: process CPU time; GPU: kernel time (CUDA events)
  identity id;
  std::int64_t failed = 0;
  std::string steps;
  [[nodiscard]] double ratio() const { return cpp_ms > 0 ? model_ms / cpp_ms : 0.0; }
  [[nodiscard]] double min_ratio() const { return cpp_min > 0 ? model_min / cpp_min : 0.0; }
};

std::string step_summary(const cubie::SolveResult& r) {
  if (!r.has_counters() || r.n_runs() == 0) return "";
  const auto acc = r.steps_accepted();
  const auto rej = r.steps_rejected();
  double sa = 0, sr = 0;
  unsigned amax = 0;
  for (std::size_t i = 0; i < acc.size(); ++i) {
    sa += acc[i];
    sr += rej[i];
    amax = std::max(amax, acc[i]);
  }
  char buf[96];
  std::snprintf(buf, sizeof buf, "acc %.1f (max %u) rej %.2f", sa / double(acc.size()), amax, sr / double(acc.size()));
  return buf;
}

row run_backend_case(const std::string& backend, const method_case& m, std::int64_t n, int reps, int threads,
                     int cpu_time_threads, const std::shared_ptr<const cubie::compiled_system>& model_sys,
                     const std::shared_ptr<const cubie::compiled_system>& cpp_sys) {
  const std::vector<double> rho = cubie::models::linspace(0.0, 21.0, n);
  const cubie::batch_grid model_grid = lorenz_grid(model_sys->info, rho);
  const cubie::batch_grid cpp_grid = lorenz_grid(cpp_sys->info, rho);
  cubie::Solver model_solver(model_sys, settings_for(m, backend, threads));
  cubie::Solver cpp_solver(cpp_sys, settings_for(m, backend, threads));
  comparison c = measure(model_solver, model_grid, cpp_solver, cpp_grid, reps, cpu_time_threads);

  row r;
  r.backend = backend;
  r.method = m.key;
  r.n = n;
  r.model_ms = median(c.model.wall);
  r.cpp_ms = median(c.cpp.wall);
  r.model_min = minimum(c.model.wall);
  r.cpp_min = minimum(c.cpp.wall);
  std::vector<double> pairs;
  for (std::size_t i = 0; i < c.model.wall.size(); ++i) pairs.push_back(c.model.wall[i] / c.cpp.wall[i]);
  r.paired = median(pairs);
  if (backend == "cpu") {
    const double cm = median(c.cpp.cpu);
    r.second_ratio = cm > 0 ? median(c.model.cpu) / cm : 0.0;
  } else {
    const double km = median(c.cpp.kernel);
    r.second_ratio = km > 0 ? median(c.model.kernel) / km : 0.0;
  }
  r.id = compare_bits(c.model.result, c.cpp.result);
  r.failed = c.model.result.failed_runs() + c.cpp.result.failed_runs();
  r.steps = step_summary(c.model.result);

  const auto& st = c.model.result.statistics();
  std::printf("%-4s %-8s N=%-8lld first solve: model %.2f ms, C++ %.2f ms; steady (%d each, interleaved):\n", backend.c_str(),
              m.key, static_cast<long long>(n), c.model.first_ms, c.cpp.first_ms, reps);
  auto list = [](const std::vector<double>& v) {
    std::string s;
    char buf[32];
    for (double x : v) {
      std::snprintf(buf, sizeof buf, " %.2f", x);
      s += buf;
    }
    return s;
  };
  std::printf("     model wall:%s\n     C++   wall:%s\n", list(c.model.wall).c_str(), list(c.cpp.wall).c_str());
  if (backend == "cpu") {
    std::printf("     model cpu/thr:%s\n     C++   cpu/thr:%s\n", list(c.model.cpu).c_str(), list(c.cpp.cpu).c_str());
  } else {
    std::printf("     model kernel:%s\n     C++   kernel:%s\n     chunks %lld, h2d %.2f ms, d2h %.2f ms (model's last)\n",
                list(c.model.kernel).c_str(), list(c.cpp.kernel).c_str(), static_cast<long long>(st.chunks), st.h2d_ms,
                st.d2h_ms);
  }
  std::printf("     steps per run: %s; failed runs %lld; bit-identical: %s%s%s\n", r.steps.c_str(),
              static_cast<long long>(r.failed), r.id.same ? "yes" : "NO", r.id.same ? "" : ": ", r.id.detail.c_str());
  std::fflush(stdout);
  return r;
}

// ---- `cubie run` ----------------------------------------------------------------------

/// The number after "KEY": at or after `from` in a one-line JSON object, or NaN.
double json_number(const std::string& json, const std::string& key, std::size_t from = 0) {
  const std::size_t at = json.find("\"" + key + "\":", from);
  if (at == std::string::npos) return std::nan("");
  return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

/// CPU time (user + system) of the waited-for children of this process, in ms.
double children_cpu_ms() {
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-3;
}

struct cli_run {
  bool ok = false;
  std::string error;
  double solve_ms = 0, compile_ms = 0, wall_ms = 0;
  double cpu_ms = 0;  // the whole process's CPU time (and its compiler subprocesses')
  std::int64_t runs = 0, failed = 0;
  bool cache_hit = false;
};

cli_run run_cli(const std::string& command) {
  cli_run r;
  const double c0 = children_cpu_ms();
  const auto t0 = clock_type::now();
  FILE* p = popen(command.c_str(), "r");
  if (!p) {
    r.error = "popen failed";
    return r;
  }
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int status = pclose(p);
  r.wall_ms = ms_since(t0);
  r.cpu_ms = children_cpu_ms() - c0;
  std::string json;
  for (std::size_t pos = 0; pos < out.size();) {
    const std::size_t end = out.find('\n', pos);
    const std::string line = out.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!line.empty() && line[0] == '{') json = line;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || json.empty()) {
    r.error = "exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ": " +
              out.substr(0, std::min<std::size_t>(out.size(), 400));
    return r;
  }
  const std::size_t timings = json.find("\"timings_ms\"");
  r.solve_ms = json_number(json, "solve", timings);
  r.compile_ms = json_number(json, "compile", timings);
  r.runs = static_cast<std::int64_t>(json_number(json, "runs"));
  r.failed = static_cast<std::int64_t>(json_number(json, "count", json.find("\"failed\"")));
  r.cache_hit = json.find("\"compile_cache_hit\":true") != std::string::npos;
  r.ok = !std::isnan(r.solve_ms);
  if (!r.ok) r.error = "no timings_ms.solve in: " + json;
  return r;
}

struct cli_row {
  std::string method;
  double target_ms = 0;
  bool ran = false;
  std::string error;
  std::int64_t runs = 0, failed = 0;
  double solve_median = 0, solve_min = 0, first_compile_ms = 0, compile_median = 0;
  // (process CPU time of a full run - that of the same run with a 64-run sweep) / threads:
  // what the solve alone would take on an idle machine, when the machine is shared.
  double solve_cpu_estimate = 0;
  std::vector<double> solves;
};

// ---- main ----------------------------------------------------------------------------

[[noreturn]] void usage(const char* argv0, int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: %s [--model FILE] [--cpu-n N] [--gpu-n N] [--reps R] [--gpu-reps R] [--threads T]\n"
               "          [--no-cpu] [--no-gpu] [--no-cli] [--cli PATH] [--cli-reps R] [--cache-dir DIR]\n",
               argv0);
  std::exit(code);
}

int run(int argc, char** argv) {
  options opt;
  std::string command = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    command += " " + a;
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage(argv[0], 2);
      command += std::string(" ") + argv[i + 1];
      return argv[++i];
    };
    if (a == "--model") opt.model = next();
    else if (a == "--cpu-n") opt.cpu_n = std::max<std::int64_t>(1, std::atoll(next().c_str()));
    else if (a == "--gpu-n") opt.gpu_n = std::max<std::int64_t>(1, std::atoll(next().c_str()));
    else if (a == "--reps") opt.reps = std::max(1, std::atoi(next().c_str()));
    else if (a == "--gpu-reps") opt.gpu_reps = std::max(1, std::atoi(next().c_str()));
    else if (a == "--threads") opt.threads = std::max(0, std::atoi(next().c_str()));
    else if (a == "--no-cpu") opt.cpu = false;
    else if (a == "--no-gpu") opt.gpu = false;
    else if (a == "--no-cli") opt.cli = false;
    else if (a == "--cli") opt.cli_path = next();
    else if (a == "--cli-reps") opt.cli_reps = std::max(1, std::atoi(next().c_str()));
    else if (a == "--cache-dir") opt.cache_dir = next();
    else if (a == "--help" || a == "-h") usage(argv[0], 0);
    else usage(argv[0], 2);
  }
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int cpu_time_threads = opt.threads > 0 ? opt.threads : hw;

  const std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  char host[256] = "?";
  gethostname(host, sizeof host - 1);
  std::printf("cubie model file vs C++ benchmark, %s on %s\nCPU: %s, %d hardware threads (solver threads: %s)\n", date,
              host, cpu_model().c_str(), hw, opt.threads > 0 ? std::to_string(opt.threads).c_str() : "all");
  std::printf("command: %s\nmodel: %s\nload average at start: %s\n", command.c_str(), opt.model.c_str(),
              loadavg().c_str());

  // ---- which backends ----------------------------------------------------------------
  bool gpu_on = false;
  std::string gpu_skip;
  std::string gpu_name;
#if defined(CUBIE_MODEL_BENCH_CUDA)
  if (!opt.gpu) {
    gpu_skip = "--no-gpu";
  } else if (!cubie::cuda_device_available()) {
    gpu_skip = "no usable CUDA device: " + cubie::cuda_unavailable_reason();
  } else if (const std::string why = cubie::models::gpu_compile_unavailable_reason(); !why.empty()) {
    gpu_skip = "no GPU model compile: " + why;
  } else {
    gpu_on = true;
    const auto gpus = cubie::list_gpus();
    if (!gpus.empty()) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s (%.0f GiB, sm_%d%d, %d SMs)", gpus[0].name.c_str(),
                    double(gpus[0].total_bytes) / double(1ull << 30), gpus[0].sm_major, gpus[0].sm_minor,
                    gpus[0].multiprocessors);
      gpu_name = buf;
    }
  }
#else
  gpu_skip = "built without CUDA";
#endif
  std::printf("GPU: %s\n\n", gpu_on ? gpu_name.c_str() : ("skipped (" + gpu_skip + ")").c_str());

  // ---- compile the model file: cold, then from the cache ------------------------------
  const cubie::models::model_definition model = cubie::models::load_model(opt.model);
  const bool own_cache = opt.cache_dir.empty();
  const fs::path cache_dir =
      own_cache ? fs::temp_directory_path() / ("cubie-model-bench-" + std::to_string(getpid())) : opt.cache_dir;
  if (own_cache) fs::remove_all(cache_dir);
  struct cache_cleanup {
    fs::path dir;
    bool own;
    ~cache_cleanup() {
      std::error_code ec;
      if (own) fs::remove_all(dir, ec);
    }
  } cleanup{cache_dir, own_cache};

  cubie::models::compile_options co;
  co.cpu = opt.cpu;
  co.gpu = gpu_on ? cubie::models::gpu_compile::required : cubie::models::gpu_compile::off;
  co.methods = {"classical_rk4", "dormand_prince_54"};
  co.precision = cubie::precision::float32;
  co.cache_dir = cache_dir;
  std::shared_ptr<const cubie::compiled_system> model_sys;
  cubie::models::compile_report cold, hit;
  if (co.cpu || gpu_on) {
    (void)cubie::models::compile_model(model, co, &cold);
    model_sys = cubie::models::compile_model(model, co, &hit);
    auto line = [](const char* what, const cubie::models::backend_compile_report& c,
                   const cubie::models::backend_compile_report& h) {
      if (!c.requested) return;
      std::printf("compile %s (classical_rk4 + dormand_prince_54, float32): cold %.0f ms (%s, %d compiler run%s), "
                  "again %.2f ms (%s, %d compiler runs)\n",
                  what, c.compile_ms, c.cache_hit ? "cache hit" : "cache miss", c.compiler_runs,
                  c.compiler_runs == 1 ? "" : "s", h.compile_ms, h.cache_hit ? "cache hit" : "cache MISS",
                  h.compiler_runs);
    };
    line("cpu", cold.cpu, hit.cpu);
    line("gpu", cold.gpu, hit.gpu);
    std::printf("cache: %s%s\n\n", cache_dir.c_str(), own_cache ? " (fresh, removed at exit)" : "");
  }

  std::vector<row> rows;
  // ---- CPU -----------------------------------------------------------------------------
  if (opt.cpu) {
    const auto cpp_sys = cubie::bench::cpp_lorenz_cpu();
    std::printf("CPU SIMD lanes (float): model %d, C++ %d\n", model_sys->cpu_simd_lanes_float,
                cpp_sys->cpu_simd_lanes_float);
    // dormand_prince_54 solves are about a quarter of rk4's: more of them, for the same spread.
    for (const method_case& m : methods_run)
      rows.push_back(run_backend_case("cpu", m, opt.cpu_n, std::strcmp(m.key, "rk4") == 0 ? opt.reps : 3 * opt.reps,
                                      opt.threads, cpu_time_threads, model_sys, cpp_sys));
    std::printf("load average after the CPU cases: %s\n\n", loadavg().c_str());
  }

  // ---- GPU -----------------------------------------------------------------------------
#if defined(CUBIE_MODEL_BENCH_CUDA)
  if (gpu_on) {
    const auto cpp_sys = cubie::bench::cpp_lorenz_gpu();
    for (const method_case& m : methods_run)
      rows.push_back(run_backend_case("cuda", m, opt.gpu_n, opt.gpu_reps, 0, 1, model_sys, cpp_sys));
    std::printf("\n");
  }
#endif

  // ---- cubie run ---------------------------------------------------------------------
  std::vector<cli_row> cli_rows;
  std::string cli_skip;
  if (!opt.cli) {
    cli_skip = "--no-cli";
  } else if (access(opt.cli_path.c_str(), X_OK) != 0) {
    cli_skip = "no cubie command at " + opt.cli_path;
  } else {
    for (const method_case& m : methods_run) {
      cli_row cr;
      cr.method = m.key;
      const bool rk4 = std::strcmp(m.key, "rk4") == 0;
      cr.target_ms = rk4 ? 96.0 : 26.0;
      std::string cmd = "CUBIE_CACHE_DIR=" + shell_quote(cache_dir.string()) + " " + shell_quote(opt.cli_path) +
                        " run " + shell_quote(opt.model.string()) + " --backend cpu --json";
      if (rk4) cmd += " --set solver.algorithm=classical_rk4 --set solver.dt=0.0009765625";
      if (opt.threads > 0) cmd += " --set solver.cpu_threads=" + std::to_string(opt.threads);
      // The same run with 64 runs: parsing, the compile-cache lookup, process start and
      // exit, without the solve's work.
      const std::string small_cmd = cmd + " --set " + shell_quote("sweep.rho={ linspace = [0.0, 21.0, 64] }") + " 2>&1";
      cmd += " 2>&1";
      std::printf("cubie run (%s): %s\n", m.key, cmd.c_str());
      std::vector<double> compiles, solve_cpu;
      for (int rep = 0; rep <= opt.cli_reps; ++rep) {  // rep 0: warm-up (compiles into the cache)
        const cli_run r = run_cli(cmd);
        if (!r.ok) {
          cr.error = r.error;
          break;
        }
        const cli_run small = rep == 0 ? cli_run{} : run_cli(small_cmd);
        if (rep > 0 && !small.ok) {
          cr.error = "(64-run sweep) " + small.error;
          break;
        }
        cr.ran = true;
        cr.runs = r.runs;
        cr.failed = r.failed;
        std::printf("     %-7s: solve %7.2f ms, compile %7.1f ms (cache %s), process wall %5.0f ms, CPU %5.0f ms",
                    rep == 0 ? "warm-up" : ("run " + std::to_string(rep)).c_str(), r.solve_ms, r.compile_ms,
                    r.cache_hit ? "hit" : "miss", r.wall_ms, r.cpu_ms);
        if (rep == 0) {
          cr.first_compile_ms = r.compile_ms;
          std::printf("\n");
        } else {
          cr.solves.push_back(r.solve_ms);
          compiles.push_back(r.compile_ms);
          solve_cpu.push_back((r.cpu_ms - small.cpu_ms) / cpu_time_threads);
          std::printf("; 64 runs: CPU %4.0f ms\n", small.cpu_ms);
        }
      }
      cr.solve_median = median(cr.solves);
      cr.solve_min = minimum(cr.solves);
      cr.compile_median = median(compiles);
      cr.solve_cpu_estimate = median(solve_cpu);
      if (!cr.error.empty()) std::printf("     failed: %s\n", cr.error.c_str());
      cli_rows.push_back(cr);
    }
    std::printf("load average after the cubie runs: %s\n\n", loadavg().c_str());
  }

  // ---- the table -----------------------------------------------------------------------
  bool all_identical = true;
  std::printf("==== model file vs C++ (float32 Lorenz ensemble, final state; ms = median of steady-state solves) ====\n");
  std::printf("%-5s %-8s %9s %9s %9s %7s %7s %7s %8s %5s  %s\n", "where", "method", "N", "model ms", "C++ ms", "ratio",
              "paired", "min r.", "cpu|kern", "<=5%", "bit-identical");
  for (const row& r : rows) {
    all_identical = all_identical && r.id.same && r.failed == 0;
    std::printf("%-5s %-8s %9lld %9.2f %9.2f %7.3f %7.3f %7.3f %8.3f %5s  %s\n", r.backend.c_str(), r.method.c_str(),
                static_cast<long long>(r.n), r.model_ms, r.cpp_ms, r.ratio(), r.paired, r.min_ratio(), r.second_ratio,
                r.ratio() <= 1.05 || r.paired <= 1.05 ? "yes" : "NO",
                r.id.same ? (r.failed == 0 ? "yes" : "yes (but runs failed)") : ("NO: " + r.id.detail).c_str());
  }
  if (!gpu_on) std::printf("cuda  (skipped: %s)\n", gpu_skip.c_str());
  std::printf("ratio = model / C++ of the median wall times; paired = median of model / C++ of adjacent solves (robust to\n"
              "load drifts); min r. = of the minima; cpu|kern = of the median process CPU time per thread (cpu rows) or\n"
              "kernel time from CUDA events (cuda rows); <=5%%: ratio or paired <= 1.05\n");
  if (cold.cpu.requested)
    std::printf("compile cpu: cold %.0f ms, cache hit %.2f ms\n", cold.cpu.compile_ms, hit.cpu.compile_ms);
  if (cold.gpu.requested)
    std::printf("compile gpu: cold %.0f ms, cache hit %.2f ms\n", cold.gpu.compile_ms, hit.gpu.compile_ms);
  if (cli_rows.empty()) {
    std::printf("cubie run: skipped (%s)\n", cli_skip.c_str());
  } else {
    for (const cli_row& c : cli_rows) {
      if (!c.ran || !c.error.empty()) {
        std::printf("cubie run --backend cpu %-8s: FAILED (%s)\n", c.method.c_str(), c.error.c_str());
        all_identical = false;
        continue;
      }
      std::printf("cubie run --backend cpu %-7s N=%lld: timings_ms.solve median %.2f (min %.2f) of %zu, target <= %.0f: "
                  "%s; solve CPU time / threads %.1f ms (%s); compile %.1f ms from the cache (%.0f ms cold); "
                  "failed runs %lld\n",
                  c.method.c_str(), static_cast<long long>(c.runs), c.solve_median, c.solve_min, c.solves.size(),
                  c.target_ms, c.solve_median <= c.target_ms ? "meets" : "MISSES", c.solve_cpu_estimate,
                  c.solve_cpu_estimate <= c.target_ms ? "within" : "over", c.compile_median, c.first_compile_ms,
                  static_cast<long long>(c.failed));
    }
  }
  std::printf("load average at the end: %s\n", loadavg().c_str());
  return all_identical ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cubie_model_bench: error: %s\n", e.what());
    return 1;
  }
}
