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
//   auto_switch_bench [--runs N] [--duration T] [--repeat R] [--threads K] [--float]
//                     [--backend cpu|cuda] [--model] [--cache DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
};

struct sweep {
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
};

measured run(const std::shared_ptr<const compiled_system>& sys, const char* method, const sweep& s,
             const options& o) {
  solver_settings st;
  st.algorithm = method;
  st.backend = o.backend;
  st.precision = o.single ? precision::float32 : precision::float64;
  st.rtol = st.atol = {o.single ? 1e-4 : 1e-6};
  st.max_steps = 100'000'000;
  st.cpu_threads = o.threads;
  Solver solver(sys, st);
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
    out.wall_s = std::min(out.wall_s, r.statistics().wall_ms * 1e-3);
    if (o.backend == "cuda") out.cpu_s = out.wall_s;  // the host waits: wall time is the measure
    if (k == 0) {
      for (std::int64_t i = 0; i < r.n_runs(); ++i) {
        out.steps += r.steps_accepted()[i];
        out.failed += r.status()[i] != 0;
      }
      if (const void* sw = r.array_data(output_id::stiff_switches)) {
        for (std::int64_t i = 0; i < r.n_runs(); ++i) out.switched += static_cast<const u32*>(sw)[i] > 0;
      }
    }
  }
  return out;
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
    else {
      std::fprintf(stderr, "usage: auto_switch_bench [--runs N] [--duration T] [--repeat R] [--threads K] [--float] "
                           "[--backend cpu|cuda] [--model] [--cache DIR]\n");
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
    co.methods = {"auto_switch", "dormand_prince_54", "rodas5p"};
    co.precision = o.single ? precision::float32 : precision::float64;
    if (!o.cache.empty()) co.cache_dir = o.cache;
    sys = models::compile_model(def, co);
  } else {
    sys = make_system<test::van_der_pol, m::method_list<m::auto_switch, m::dormand_prince_54, m::rodas5p>, float,
                      double>();
  }
  std::vector<sweep> sweeps = {{"mixed: mu = logspace(-1, 3)", logspace(-1, 3, o.runs)},
                               {"non-stiff: mu = logspace(-1, 0)", logspace(-1, 0, o.runs)},
                               {"stiff: mu = logspace(2, 3)", logspace(2, 3, o.runs)},
                               {"mixed, shuffled", logspace(-1, 3, o.runs)}};
  std::mt19937 rng(12345);
  std::shuffle(sweeps[3].mu.begin(), sweeps[3].mu.end(), rng);

  std::printf("Van der Pol (%s), x0 = 2, y0 = 0, duration %g, %zu runs, %s, rtol = atol = %g, backend %s, %d CPU "
              "thread(s), best of %d\n",
              o.model ? "examples/van_der_pol.toml" : "C++ system", o.duration, o.runs, o.single ? "float32" : "float64",
              o.single ? 1e-4 : 1e-6, o.backend.c_str(), o.threads, o.repeat);
  std::printf("%-34s %-18s %10s %10s %14s %9s %8s  %s\n", "sweep", "method", "cpu s", "wall s", "steps", "switched",
              "failed", "cpu / best single");
  for (const sweep& s : sweeps) {
    const measured dp = run(sys, "dormand_prince_54", s, o);
    const measured rp = run(sys, "rodas5p", s, o);
    const measured au = run(sys, "auto", s, o);
    const double best = std::min(dp.cpu_s, rp.cpu_s);
    const struct {
      const char* name;
      const measured& m;
    } rows[] = {{"dormand_prince_54", dp}, {"rodas5p", rp}, {"auto", au}};
    for (const auto& row : rows) {
      std::printf("%-34s %-18s %10.3f %10.3f %14.0f %9zu %8zu  %.2f\n", s.label, row.name, row.m.cpu_s, row.m.wall_s,
                  row.m.steps, row.m.switched, row.m.failed, row.m.cpu_s / best);
    }
  }
  return 0;
}
