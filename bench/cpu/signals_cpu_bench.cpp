// bench/cpu/signals_cpu_bench.cpp
// The drivers and events benchmarks (bench/signals/signals_bench_cases.hpp: DRV, EVT) on the
// CPU backend: every core, SIMD packs of runs. The same cases the GPU bench runs at
// N = 2^22 (cubie_gpu_bench --only DRV,EVT), here at N = 2^16 by default.
//
//   signals_cpu_bench [--n N] [--reps R] [--only DRV,EVT]
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>

#include "cubie/batch/make_system.hpp"
#include "signals_bench_cases.hpp"

int main(int argc, char** argv) {
  std::int64_t n = 65'536;
  int reps = 3;
  std::string only = "DRV,EVT", command = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    command += " " + a;
    if (i + 1 >= argc) {
      std::fprintf(stderr, "usage: %s [--n N] [--reps R] [--only DRV,EVT]\n", argv[0]);
      return 2;
    }
    const std::string v = argv[++i];
    command += " " + v;
    if (a == "--n") n = std::atoll(v.c_str());
    else if (a == "--reps") reps = std::atoi(v.c_str());
    else if (a == "--only") only = v;
    else {
      std::fprintf(stderr, "usage: %s [--n N] [--reps R] [--only DRV,EVT]\n", argv[0]);
      return 2;
    }
  }
  using namespace cubie;
  using namespace cubie::bench;
  using Methods = methods::method_list<methods::classical_rk4, methods::dormand_prince_54>;
  const signal_bench_systems sys{make_system<sine_forced_oscillator, Methods, float, double>(),
                                 make_system<spline_forced_oscillator, Methods, float, double>(),
                                 make_system<bench_bouncing_ball, methods::method_list<methods::dormand_prince_54>,
                                             float, double>()};
  const std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::printf("cubie drivers and events benchmarks on the CPU (%u threads), %s\ncommand: %s\ntimes: median of %d solves "
              "after the first, result storage reused\n\n",
              std::thread::hardware_concurrency(), date, command.c_str(), reps);
  if (only.find("DRV") != std::string::npos) run_driver_cases("cpu", sys, n, reps);
  if (only.find("EVT") != std::string::npos) {
    std::printf("\n");
    run_event_cases("cpu", sys, n, reps);
  }
  return 0;
}
