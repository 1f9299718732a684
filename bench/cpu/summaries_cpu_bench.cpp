// bench/cpu/summaries_cpu_bench.cpp
// Summary metrics on the CPU backend (issue 10): the Lorenz ensemble of the GPU ODE
// benchmarks (float32, rho = linspace(0, 21, N), x0 = (1, 0, 0), t in [0, 1]) with
// classical_rk4 at dt = 1/1024, final state only (B1), against the same solve recording
// output_types = [max, mean, peaks[4]] of x with no trajectory and a sample every step
// (sample_summaries_every = dt, one window), with the entry fitted to those metrics and with
// the one carrying every accumulator group; and dormand_prince_54 (tol 1e-5) the same way,
// where samples are landings. Prints wall-time medians, bytes per run and the ratio to the
// final-state solve.
//
//   summaries_cpu_bench [--n N] [--reps R] [--threads T]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "cubie/backends/cpu/cpu_executor.hpp"
#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/systems/lorenz.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
constexpr cubie::u32 fitted_groups = cubie::summary_group::max | cubie::summary_group::sum | cubie::summary_group::peaks;

double median_ms(cubie::Solver& solver, const cubie::batch_grid& grid, const cubie::solve_spec& spec, int reps,
                 cubie::SolveResult& result) {
  solver.solve_into(result, grid, spec);  // warm-up: storage, threads
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = clock_type::now();
    solver.solve_into(result, grid, spec);
    t.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t n = 65'536;
  int reps = 7, threads = 0;
  std::string command = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    command += " " + a;
    if (i + 1 >= argc) {
      std::fprintf(stderr, "usage: %s [--n N] [--reps R] [--threads T]\n", argv[0]);
      return 2;
    }
    command += std::string(" ") + argv[i + 1];
    if (a == "--n") n = std::atoll(argv[++i]);
    else if (a == "--reps") reps = std::atoi(argv[++i]);
    else if (a == "--threads") threads = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--n N] [--reps R] [--threads T]\n", argv[0]);
      return 2;
    }
  }
  const auto sys = cubie::make_system<cubie::systems::lorenz,
                                      cubie::methods::method_list<cubie::methods::classical_rk4,
                                                                  cubie::methods::dormand_prince_54>,
                                      float>(cubie::summary_entries<fitted_groups, cubie::summary_group::all>{});
  auto all_only = std::make_shared<cubie::compiled_system>(*sys);
  std::erase_if(all_only->cpu_summaries,
                [](const auto& e) { return std::get<2>(e.first) != cubie::summary_group::all; });

  std::vector<double> rho(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) rho[static_cast<std::size_t>(i)] = n == 1 ? 0.0 : 21.0 * double(i) / double(n - 1);
  const auto grid = cubie::batch_grid::build(sys->info, {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", rho}});

  cubie::solve_spec final_state;
  final_state.duration = 1.0;
  final_state.save_initial = false;
  final_state.saved_observables = std::vector<std::string>{};
  final_state.save_counters = false;
  final_state.save_t_reached = false;
  cubie::solve_spec summaries = final_state;
  summaries.output_types = std::vector<std::string>{"max", "mean", "peaks[4]"};
  summaries.summarise_variables = std::vector<std::string>{"x"};
  summaries.sample_summaries_every = 1.0 / 1024;

  const std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::printf("cubie summary metrics on the CPU: %s, %s, %d threads, N = %lld, median of %d\ncommand: %s\n\n",
              cubie::cpu::cpu_name().c_str(), date, threads > 0 ? threads : int(std::thread::hardware_concurrency()),
              static_cast<long long>(n), reps, command.c_str());
  std::printf("%-44s %10s %12s %8s\n", "case", "ms", "bytes/run", "x final");
  for (const char* method : {"classical_rk4", "dormand_prince_54"}) {
    cubie::solver_settings s;
    s.algorithm = method;
    s.precision = cubie::precision::float32;
    s.backend = "cpu";
    s.cpu_threads = threads;
    if (method[0] == 'c') {
      s.dt = 1.0 / 1024;
    } else {
      s.atol = s.rtol = {1e-5};
    }
    cubie::SolveResult r;
    cubie::Solver plain(sys, s);
    const double base = median_ms(plain, grid, final_state, reps, r);
    std::printf("%-44s %10.2f %12llu %8.2f\n", (std::string(method) + " final state").c_str(), base,
                static_cast<unsigned long long>(plain.output_layout(grid, final_state).bytes_per_run()), 1.0);
    for (int v = 0; v < 2; ++v) {
      cubie::Solver solver(v == 0 ? sys : std::shared_ptr<const cubie::compiled_system>(all_only), s);
      const double ms = median_ms(solver, grid, summaries, reps, r);
      std::printf("%-44s %10.2f %12llu %8.2f\n",
                  (std::string(method) + (v == 0 ? " [max,mean,peaks[4]] fitted" : " [max,mean,peaks[4]] all groups"))
                      .c_str(),
                  ms, static_cast<unsigned long long>(solver.output_layout(grid, summaries).bytes_per_run()),
                  ms / base);
    }
  }
  return 0;
}
