// bench/cpu/auto_switch_bench.cpp
// algorithm = "auto" against the single methods it switches between, on the Van der Pol sweep
// of issue 9 (x0 = 2, y0 = 0, mu = logspace(-1, 3), run index = sweep order): the whole sweep
// (mixed), its non-stiff end (mu in [0.1, 1]), its stiff end (mu in [100, 1000]), and the
// whole sweep shuffled (every SIMD pack mixes modes: the cost of computing both steps under
// masks). Per case the best of --repeat solves: process CPU time (robust on a shared machine)
// and wall time, accepted steps summed over runs, and for auto how many runs switched.
// The system is the C++ van_der_pol (dual-number Jacobian) on the CPU; --model (implied by
// --backend cuda) compiles examples/van_der_pol.toml at run time instead (symbolic Jacobian),
// as `cubie run` does. On the GPU the shuffled sweep measures warp divergence: warps whose
// threads are in both modes run both branches.
// auto runs twice: in one kernel (both methods, CUBIE_AUTO_PASSES=1) and in two passes (an
// explicit kernel, then auto over the runs whose stiffness test fired, CUBIE_AUTO_PASSES=2;
// integrate/continuation.hpp); "2nd pass" counts the runs the second pass took.
// --sweeps picks sweeps by name (mixed, nonstiff, stiff, shuffled; default all), in the
// order given; --methods picks rows (dopri54, rodas5p, auto1, auto2; default all). "stiff steps"
// and "switches" sum auto's stiff_steps and stiff_switches over the runs: steps minus stiff
// steps are its explicit steps, and switches above "switched" count returns to explicit mode.
//   auto_switch_bench [--runs N] [--duration T] [--repeat R] [--threads K] [--float]
//                     [--backend cpu|cuda] [--model] [--cache DIR] [--sweeps a,b] [--methods a,b]
//                     [--max-chunk-runs N]   (chunks of at most N runs: on a GPU, chunks on other
//                     streams overlap one chunk's second pass with the next one's first)
//                     [--min-chunks N]   (memory_settings::min_chunks; 1: one chunk whenever the batch fits)
//                     [--pinned-results]   (memory_settings::pinned_results: downloads straight into the
//                     result, no staging ring and no host copy; what the host side of a solve costs)
//                     [--tag NAME]   (also a line "csv,NAME,precision,sweep,method,..." per row, for scripts)
//                     [--interleaved R]   (the clean measurement: see below)
// --interleaved R: per sweep, one Solver and one SolveResult per row, built and solved once
// (warm-up: NVRTC, pools, result pages), then R rounds, each solving every row once in turn
// (solve_into the row's own result: reused storage, no fresh pages), so drifts of the machine
// hit every row alike. Rows: the --methods (auto2 twice: auto2 with its second pass launched
// always, auto2c with CUBIE_AUTO_SECOND_LAUNCH=counted). Per row the median, min and max over
// the rounds of the time the caller waits (steady clock around solve_into), of the solve's
// wall time and of its kernels' time; per auto row the median over the rounds of that
// round's auto / better single method (the paired ratio), for the whole solve and for the
// kernels: whether auto loses in its kernels or on the host. Lines "ilv,TAG,..." for scripts.
// On the GPU each row also shows, from the best solve's statistics, the kernels' time (CUDA
// events, summed over chunks: chunks on other streams overlap, so it may exceed the wall time),
// the chunks, and the kernel's registers and resident blocks per multiprocessor (for auto in
// two passes, the second pass's kernel): what the wall time is made of; and the copies'
// times (h2d, d2h: CUDA events, summed over chunks), the setup before the first chunk, the time
// the solve waited for a free staging-ring slot (the host copying results) and the megabytes
// downloaded. Only the methods of the rows asked for are compiled.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <numeric>
#include <random>
#include <string>
#include <vector>

// solver.hpp before make_system.hpp: memory/host_buffer.hpp opens cubie::detail, which is
// ambiguous once make_system.hpp's inline namespace has a detail of its own.
#include "cubie/batch/solver.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/auto_switch.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "cubie/models/model.hpp"
#include "cubie/models/model_compiler.hpp"
#include "../../tests/stiff_systems.hpp"

namespace {

using namespace cubie;
namespace m = cubie::methods;

double process_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct options {
  std::size_t runs = 2048;
  double duration = 20.0;
  int repeat = 3;
  int threads = 1;
  bool single = false;
  std::string backend = "cpu";
  bool model = false;
  std::string cache;
  std::vector<std::string> sweeps = {"mixed", "nonstiff", "stiff", "shuffled"};
  std::vector<std::string> methods = {"auto1", "auto2", "rodas5p", "dopri54"};
  std::int64_t max_chunk_runs = 0;  // > 0: chunks of at most this many runs (pipelined over streams on a GPU)
  std::int64_t min_chunks = 0;      // > 0: memory_settings::min_chunks
  bool pinned_results = false;      // memory_settings::pinned_results
  std::string tag;                  // non-empty: a csv line per row
  int interleaved = 0;              // > 0: rounds of the interleaved measurement
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size()) {
    const std::size_t comma = s.find(',', at);
    const std::size_t end = comma == std::string::npos ? s.size() : comma;
    if (end > at) out.push_back(s.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

struct sweep {
  const char* name;
  const char* label;
  std::vector<double> mu;
};

std::vector<double> logspace(double lo, double hi, std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = std::pow(10.0, lo + (hi - lo) * double(i) / double(n > 1 ? n - 1 : 1));
  return v;
}

struct measured {
  double cpu_s = 1e300, wall_s = 1e300;
  double steps = 0;
  std::size_t failed = 0, switched = 0;
  double switches = 0, stiff_steps = 0;  // auto: switches and accepted stiff steps, summed over runs
  std::int64_t second_pass = 0;
  // The best solve's statistics (GPU): kernel time, chunks, registers, resident blocks.
  double kernel_s = 0, h2d_s = 0, d2h_s = 0, setup_s = 0, wait_s = 0;
  double mb_down = 0;
  std::int64_t chunks = 0;
  int registers = 0, blocks_per_sm = 0;
  bool ran = false;
};

// The settings of every row: the method at the sweep's tolerance and the options' threads,
// chunking and result memory.
solver_settings settings_for(const char* method, const options& o) {
  solver_settings st;
  st.algorithm = method;
  st.backend = o.backend;
  st.precision = o.single ? precision::float32 : precision::float64;
  st.rtol = st.atol = {o.single ? 1e-4 : 1e-6};
  st.max_steps = 100'000'000;
  st.cpu_threads = o.threads;
  st.memory.max_chunk_runs = o.max_chunk_runs;
  if (o.min_chunks > 0) st.memory.min_chunks = o.min_chunks;
  st.memory.pinned_results = o.pinned_results;
  return st;
}

// passes: for auto, 1 (one kernel) or 2 (two passes); 0 for the single methods.
measured run(const std::shared_ptr<const compiled_system>& sys, const char* method, const sweep& s,
             const options& o, int passes = 0) {
  if (passes != 0) ::setenv("CUBIE_AUTO_PASSES", passes == 2 ? "2" : "1", 1);
  Solver solver(sys, settings_for(method, o));
  solve_spec spec;
  spec.duration = o.duration;
  const std::vector<std::string>& states = sys->info.states;  // x and y (C++) or x and v (model file)
  const named_arrays inits = {{states[0], std::vector<double>(s.mu.size(), 2.0)}, {states[1], {0.0}}};
  const named_arrays params = {{"mu", s.mu}};
  measured out;
  for (int k = 0; k < o.repeat; ++k) {
    const double c0 = process_seconds();
    const SolveResult r = solver.solve(inits, params, spec);
    const double c1 = process_seconds();
    out.cpu_s = std::min(out.cpu_s, c1 - c0);
    if (r.statistics().wall_ms * 1e-3 < out.wall_s) {
      out.kernel_s = r.statistics().kernel_ms * 1e-3;
      out.h2d_s = r.statistics().h2d_ms * 1e-3;
      out.d2h_s = r.statistics().d2h_ms * 1e-3;
      out.setup_s = r.statistics().setup_ms * 1e-3;
      out.wait_s = r.statistics().staging_wait_ms * 1e-3;
      out.mb_down = static_cast<double>(r.statistics().bytes_to_host) * 1e-6;
      out.chunks = r.statistics().chunks;
      out.registers = r.statistics().kernel_registers;
      out.blocks_per_sm = r.statistics().kernel_blocks_per_sm;
    }
    out.wall_s = std::min(out.wall_s, r.statistics().wall_ms * 1e-3);
    if (o.backend == "cuda") out.cpu_s = out.wall_s;  // the host waits: wall time is the measure
    if (k == 0) {
      for (std::int64_t i = 0; i < r.n_runs(); ++i) {
        out.steps += r.steps_accepted()[i];
        out.failed += r.status()[i] != 0;
      }
      if (const void* sw = r.array_data(output_id::stiff_switches)) {
        for (std::int64_t i = 0; i < r.n_runs(); ++i) {
          out.switched += static_cast<const u32*>(sw)[i] > 0;
          out.switches += static_cast<const u32*>(sw)[i];
        }
      }
      if (const void* ss = r.array_data(output_id::stiff_steps)) {
        for (std::int64_t i = 0; i < r.n_runs(); ++i) out.stiff_steps += static_cast<const u32*>(ss)[i];
      }
      out.second_pass = r.statistics().second_pass_runs;
      if (passes != 0 && r.statistics().auto_passes != passes) {
        std::fprintf(stderr, "auto asked for %d passes ran %d\n", passes, r.statistics().auto_passes);
        std::exit(1);
      }
    }
  }
  ::unsetenv("CUBIE_AUTO_PASSES");
  out.ran = true;
  return out;
}

// The interleaved measurement (--interleaved R; see the header).
struct ilv_row {
  std::string key, method, launch;  // launch: CUBIE_AUTO_SECOND_LAUNCH for auto2 rows, "" otherwise
  int passes = 0;
  std::unique_ptr<Solver> solver;
  SolveResult result;
  std::vector<double> caller_s, wall_s, kernel_s;
  std::int64_t second_pass = 0, chunks = 0;
  int registers = 0, blocks = 0;
  int first_registers = 0, first_blocks = 0;  // auto in two passes: the first pass's kernel
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void solve_row(ilv_row& r, const batch_grid& grid, const solve_spec& spec, bool record) {
  if (r.passes != 0) ::setenv("CUBIE_AUTO_PASSES", r.passes == 2 ? "2" : "1", 1);
  if (!r.launch.empty()) ::setenv("CUBIE_AUTO_SECOND_LAUNCH", r.launch.c_str(), 1);
  const auto t0 = std::chrono::steady_clock::now();
  r.solver->solve_into(r.result, grid, spec);
  const auto t1 = std::chrono::steady_clock::now();
  ::unsetenv("CUBIE_AUTO_PASSES");
  ::unsetenv("CUBIE_AUTO_SECOND_LAUNCH");
  const solve_statistics& st = r.result.statistics();
  if (r.passes != 0 && st.auto_passes != r.passes) {
    std::fprintf(stderr, "auto asked for %d passes ran %d\n", r.passes, st.auto_passes);
    std::exit(1);
  }
  r.second_pass = st.second_pass_runs;
  r.chunks = st.chunks;
  r.registers = st.kernel_registers;
  r.blocks = st.kernel_blocks_per_sm;
  r.first_registers = st.first_pass_registers;
  r.first_blocks = st.first_pass_blocks_per_sm;
  if (!record) return;
  r.caller_s.push_back(std::chrono::duration<double>(t1 - t0).count());
  r.wall_s.push_back(st.wall_ms * 1e-3);
  r.kernel_s.push_back(st.kernel_ms * 1e-3);
}

void interleaved(const std::shared_ptr<const compiled_system>& sys, const sweep& s, const options& o) {
  const std::vector<std::string>& states = sys->info.states;
  const batch_grid grid = batch_grid::build(sys->info, {{states[0], std::vector<double>(s.mu.size(), 2.0)}, {states[1], {0.0}}},
                                            {{"mu", s.mu}});
  solve_spec spec;
  spec.duration = o.duration;
  std::vector<ilv_row> rows;
  for (const std::string& key : o.methods) {
    auto add = [&](std::string k, const char* method, int passes, std::string launch) {
      ilv_row r;
      r.key = std::move(k);
      r.method = method;
      r.passes = passes;
      r.launch = std::move(launch);
      r.solver = std::make_unique<Solver>(sys, settings_for(method, o));
      rows.push_back(std::move(r));
    };
    if (key == "auto1") add("auto1", "auto", 1, "");
    else if (key == "auto2") {
      add("auto2", "auto", 2, o.backend == "cuda" ? "always" : "");
      if (o.backend == "cuda") add("auto2c", "auto", 2, "counted");
    } else if (key == "rodas5p") add("rodas5p", "rodas5p", 0, "");
    else if (key == "dopri54") add("dopri54", "dormand_prince_54", 0, "");
  }
  for (ilv_row& r : rows) solve_row(r, grid, spec, false);  // warm-up: compiles, pools, result pages
  for (int k = 0; k < o.interleaved; ++k)
    for (std::size_t i = 0; i < rows.size(); ++i) {
      // Rotate the order each round: no row always follows the same one.
      solve_row(rows[(i + static_cast<std::size_t>(k)) % rows.size()], grid, spec, true);
    }
  // Per round, the better single method (caller's time and kernels' time).
  std::vector<double> best_caller(o.interleaved, 1e300), best_kernel(o.interleaved, 1e300);
  bool have_single = false;
  for (const ilv_row& r : rows) {
    if (r.passes != 0) continue;
    have_single = true;
    for (int k = 0; k < o.interleaved; ++k) {
      best_caller[k] = std::min(best_caller[k], r.caller_s[k]);
      best_kernel[k] = std::min(best_kernel[k], r.kernel_s[k]);
    }
  }
  std::printf("%s, interleaved, %d rounds: median [min, max] seconds\n", s.label, o.interleaved);
  // regs and blocks: the kernel's registers and resident blocks per SM; for auto in two passes
  // the first pass's, then the second's.
  std::printf("  %-8s %-27s %-27s %-27s %6s %7s %6s %9s %12s %12s\n", "row", "caller s", "solve wall s", "kernels s",
              "chunks", "regs", "blocks", "2nd pass", "auto/single", "kernels");
  for (const ilv_row& r : rows) {
    auto mm = [](const std::vector<double>& v) {
      char b[64];
      std::snprintf(b, sizeof b, "%.4f [%.4f, %.4f]", median(v), *std::min_element(v.begin(), v.end()),
                    *std::max_element(v.begin(), v.end()));
      return std::string(b);
    };
    double ratio = 0, kratio = 0;
    if (r.passes != 0 && have_single) {
      std::vector<double> q, kq;
      for (int k = 0; k < o.interleaved; ++k) {
        q.push_back(r.caller_s[k] / best_caller[k]);
        if (best_kernel[k] > 0) kq.push_back(r.kernel_s[k] / best_kernel[k]);
      }
      ratio = median(q);
      kratio = median(kq);
    }
    char ratios[64] = "           -            -";  // single rows: no ratio
    if (r.passes != 0 && have_single) std::snprintf(ratios, sizeof ratios, "%12.3f %12.3f", ratio, kratio);
    char regs[32], blocks[32];
    if (r.first_registers > 0) {
      std::snprintf(regs, sizeof regs, "%d/%d", r.first_registers, r.registers);
      std::snprintf(blocks, sizeof blocks, "%d/%d", r.first_blocks, r.blocks);
    } else {
      std::snprintf(regs, sizeof regs, "%d", r.registers);
      std::snprintf(blocks, sizeof blocks, "%d", r.blocks);
    }
    std::printf("  %-8s %-27s %-27s %-27s %6lld %7s %6s %9lld %s\n", r.key.c_str(), mm(r.caller_s).c_str(),
                mm(r.wall_s).c_str(), mm(r.kernel_s).c_str(), static_cast<long long>(r.chunks), regs, blocks,
                static_cast<long long>(r.second_pass), ratios);
    if (!o.tag.empty())
      std::printf("ilv,%s,%s,%s,%s,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f,%lld,%d,%d,%lld,%.4f,%.4f,%d,%d\n", o.tag.c_str(),
                  o.single ? "float32" : "float64", s.name, r.key.c_str(), median(r.caller_s),
                  *std::min_element(r.caller_s.begin(), r.caller_s.end()),
                  *std::max_element(r.caller_s.begin(), r.caller_s.end()), median(r.wall_s), median(r.kernel_s),
                  *std::min_element(r.kernel_s.begin(), r.kernel_s.end()),
                  *std::max_element(r.kernel_s.begin(), r.kernel_s.end()), median(r.caller_s) - median(r.kernel_s),
                  static_cast<long long>(r.chunks), r.registers, r.blocks, static_cast<long long>(r.second_pass), ratio,
                  kratio, r.first_registers, r.first_blocks);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they finish (a timeout keeps them)
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
    if (a == "--runs") o.runs = std::strtoul(next(), nullptr, 10);
    else if (a == "--duration") o.duration = std::atof(next());
    else if (a == "--repeat") o.repeat = std::atoi(next());
    else if (a == "--threads") o.threads = std::atoi(next());
    else if (a == "--float") o.single = true;
    else if (a == "--backend") o.backend = next();
    else if (a == "--model") o.model = true;
    else if (a == "--cache") o.cache = next();
    else if (a == "--sweeps") o.sweeps = split(next());
    else if (a == "--methods") o.methods = split(next());
    else if (a == "--max-chunk-runs") o.max_chunk_runs = std::strtoll(next(), nullptr, 10);
    else if (a == "--min-chunks") o.min_chunks = std::strtoll(next(), nullptr, 10);
    else if (a == "--pinned-results") o.pinned_results = true;
    else if (a == "--tag") o.tag = next();
    else if (a == "--interleaved") o.interleaved = std::atoi(next());
    else {
      std::fprintf(stderr, "usage: auto_switch_bench [--runs N] [--duration T] [--repeat R] [--threads K] [--float] "
                           "[--backend cpu|cuda] [--model] [--cache DIR] [--sweeps mixed,nonstiff,stiff,shuffled] "
                           "[--methods auto1,auto2,rodas5p,dopri54] [--max-chunk-runs N] [--min-chunks N] "
                           "[--pinned-results] [--tag NAME] [--interleaved R]\n");
      return 2;
    }
  }
  if (o.backend != "cpu" && o.backend != "cuda") {
    std::fprintf(stderr, "--backend must be cpu or cuda\n");
    return 2;
  }
  if (o.backend == "cuda") o.model = true;
  std::shared_ptr<const compiled_system> sys;
  if (o.model) {
    models::model_definition def =
        models::load_model(std::filesystem::path(CUBIE_EXAMPLES_DIR) / "van_der_pol.toml");
    models::compile_options co;
    co.cpu = o.backend == "cpu";
    co.gpu = o.backend == "cuda" ? models::gpu_compile::required : models::gpu_compile::off;
    // The methods of the rows asked for (a cold cache compiles only those).
    co.methods.clear();
    auto want = [&](const char* m) { return std::find(o.methods.begin(), o.methods.end(), m) != o.methods.end(); };
    if (want("auto1") || want("auto2")) co.methods.push_back("auto_switch");
    if (want("dopri54")) co.methods.push_back("dormand_prince_54");
    if (want("rodas5p")) co.methods.push_back("rodas5p");
    co.precision = o.single ? precision::float32 : precision::float64;
    if (!o.cache.empty()) co.cache_dir = o.cache;
    sys = models::compile_model(def, co);
  } else {
    sys = make_system<test::van_der_pol, m::method_list<m::auto_switch, m::dormand_prince_54, m::rodas5p>, float,
                      double>();
  }
  std::vector<sweep> all = {{"mixed", "mixed: mu = logspace(-1, 3)", logspace(-1, 3, o.runs)},
                            {"nonstiff", "non-stiff: mu = logspace(-1, 0)", logspace(-1, 0, o.runs)},
                            {"stiff", "stiff: mu = logspace(2, 3)", logspace(2, 3, o.runs)},
                            {"shuffled", "mixed, shuffled", logspace(-1, 3, o.runs)}};
  std::mt19937 rng(12345);
  std::shuffle(all[3].mu.begin(), all[3].mu.end(), rng);
  std::vector<sweep> sweeps;
  for (const std::string& name : o.sweeps) {
    auto it = std::find_if(all.begin(), all.end(), [&](const sweep& s) { return name == s.name; });
    if (it == all.end()) {
      std::fprintf(stderr, "--sweeps: unknown sweep '%s' (mixed, nonstiff, stiff, shuffled)\n", name.c_str());
      return 2;
    }
    sweeps.push_back(*it);
  }
  for (const std::string& m : o.methods) {
    if (m != "auto1" && m != "auto2" && m != "rodas5p" && m != "dopri54") {
      std::fprintf(stderr, "--methods: unknown row '%s' (auto1, auto2, rodas5p, dopri54)\n", m.c_str());
      return 2;
    }
  }

  std::printf("Van der Pol (%s), x0 = 2, y0 = 0, duration %g, %zu runs, %s, rtol = atol = %g, backend %s, %d CPU "
              "thread(s), best of %d%s\n",
              o.model ? "examples/van_der_pol.toml" : "C++ system", o.duration, o.runs, o.single ? "float32" : "float64",
              o.single ? 1e-4 : 1e-6, o.backend.c_str(), o.threads, o.repeat,
              o.max_chunk_runs > 0 ? (", chunks of at most " + std::to_string(o.max_chunk_runs) + " runs").c_str() : "");
  if (o.interleaved > 0) {
    for (const sweep& s : sweeps) interleaved(sys, s, o);
    return 0;
  }
  const bool gpu = o.backend == "cuda";
  std::printf("%-34s %-18s %10s %10s %14s %9s %9s %8s %14s %9s", "sweep", "method", "cpu s", "wall s", "steps",
              "switched", "2nd pass", "failed", "stiff steps", "switches");
  if (gpu) std::printf(" %9s %6s %5s %8s %8s %8s %8s %8s %8s", "kernel s", "chunks", "regs", "blocks", "h2d s", "d2h s",
                       "setup s", "wait s", "MB down");
  std::printf("\n");
  auto wanted = [&](const char* m) { return std::find(o.methods.begin(), o.methods.end(), m) != o.methods.end(); };
  for (const sweep& s : sweeps) {
    // Each row prints as it finishes (a timeout keeps them); the ratio column needs both
    // single methods, so it is printed in a line of its own after them.
    const struct {
      const char* key;
      const char* name;
      const char* method;
      int passes;
    } rows[] = {{"auto1", "auto (1 kernel)", "auto", 1},
                {"auto2", "auto (2 passes)", "auto", 2},
                {"rodas5p", "rodas5p", "rodas5p", 0},
                {"dopri54", "dormand_prince_54", "dormand_prince_54", 0}};
    std::vector<std::pair<const char*, measured>> done;
    for (const std::string& key : o.methods) {
      for (const auto& row : rows) {
        if (key != row.key) continue;
        const measured m = run(sys, row.method, s, o, row.passes);
        std::printf("%-34s %-18s %10.3f %10.3f %14.0f %9zu %9lld %8zu %14.0f %9.0f", s.label, row.name, m.cpu_s, m.wall_s,
                    m.steps, m.switched, static_cast<long long>(m.second_pass), m.failed, m.stiff_steps, m.switches);
        if (gpu)
          std::printf(" %9.4f %6lld %5d %8d %8.4f %8.4f %8.4f %8.4f %8.1f", m.kernel_s, static_cast<long long>(m.chunks),
                      m.registers, m.blocks_per_sm, m.h2d_s, m.d2h_s, m.setup_s, m.wait_s, m.mb_down);
        std::printf("\n");
        if (!o.tag.empty())
          std::printf("csv,%s,%s,%s,%s,%.5f,%.5f,%lld,%d,%d,%.5f,%.5f,%.5f,%.1f,%.0f,%zu,%lld,%.5f\n", o.tag.c_str(),
                      o.single ? "float32" : "float64", s.name, row.key, m.wall_s, m.kernel_s,
                      static_cast<long long>(m.chunks), m.registers, m.blocks_per_sm, m.h2d_s, m.d2h_s, m.setup_s,
                      m.mb_down, m.steps, m.switched, static_cast<long long>(m.second_pass), m.wait_s);
        done.emplace_back(row.name, m);
      }
    }
    double best = 1e300;
    for (const auto& [name, m] : done)
      if (std::strcmp(name, "rodas5p") == 0 || std::strcmp(name, "dormand_prince_54") == 0) best = std::min(best, m.cpu_s);
    if (wanted("rodas5p") && wanted("dopri54")) {
      std::printf("%-34s over the better single method (%.3f s):", s.label, best);
      for (const auto& [name, m] : done) std::printf("  %s %.2f", name, m.cpu_s / best);
      std::printf("\n");
    }
  }
  return 0;
}
