// bench/stiff/dirk_reuse_bench.cpp
// What Hairer's J and factor reuse (dirk_stepper.hpp) saves a DIRK stepper that holds one run
// (a GPU thread's case), timed on the CPU in the same binary: one run in double driven through
// the loop's sequence (tests/integrate/reuse_driver.hpp), by the stepper that keeps J and the
// factors of I/(h a_ii) - J across steps and by the one that takes both at every trial step
// (what the CPU's SIMD packs do), each with the deadband [1, 1.2] (every, kept: kept is the GPU
// threads' default) and without one (every1: the CPU packs' default; kept1), alternating, CPU
// time per run (median of --reps). POLLU and the ring modulator (bench/stiff's problems as C++ systems,
// tests/integrate/reuse_problems.hpp) and HIRES, at the tolerances of dirk_reuse_test.cpp. The
// C++ systems' J comes from dual numbers into a dense LU; model files take a generated sparse J
// and LU, cheaper relative to f, so the share to save there is likely smaller.
//   dirk_reuse_bench [--reps N] [--problems pollu,ring,hires]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "cubie/integrate/methods/newton_methods.hpp"
#include "integrate/reuse_cases.hpp"
#include "integrate/reuse_driver.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

template <class Stepper, class System>
double time_run(const char* method, const reuse_case& c, reuse_stats& st, long repeat) {
  const double t0 = thread_cpu_seconds();
  for (long k = 0; k < repeat; ++k) st = drive<Stepper, System>(method, c);
  return (thread_cpu_seconds() - t0) / double(repeat);
}

void row(const char* problem, const char* method, const char* what, const reuse_stats& st, double seconds) {
  std::printf("%-6s %-17s %-6s %8ld steps %6ld rej  J %.3f  LU %.3f  Newton %.2f /step  %10.4f ms/run\n", problem,
              method, what, st.steps(), st.rejected, st.jacobians_per_step(), st.factorizations_per_step(),
              st.newton / double(st.steps()), 1e3 * seconds);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// Both steppers on one case, alternating, under the deadband [1, 1.2] and without one
/// (deadband_max 1); `repeat` runs per timing
/// so that each lasts a few ms.
template <class Method, template <class> class Sys>
void compare(const char* problem, const char* method, const reuse_case& c, int reps, long repeat) {
  using Kept = kept_stepper<Method, Sys>;
  using Every = every_stepper<Method, Sys>;
  static_assert(Kept::keeps_factors && !Every::keeps_factors);
  // Each variant's deadband set here, not left to the kind's default (the packs' is none).
  reuse_case cb = c, c1 = c;
  cb.deadband_max = 1.2;
  c1.deadband_max = 1.0;
  std::vector<double> kept, every, kept1, every1;
  reuse_stats sk, se, sk1, se1;
  (void)time_run<Kept, Sys<double>>(method, cb, sk, 1);  // warm-up
  for (int r = 0; r < reps; ++r) {
    every1.push_back(time_run<Every, Sys<double>>(method, c1, se1, repeat));
    every.push_back(time_run<Every, Sys<double>>(method, cb, se, repeat));
    kept.push_back(time_run<Kept, Sys<double>>(method, cb, sk, repeat));
    kept1.push_back(time_run<Kept, Sys<double>>(method, c1, sk1, repeat));
  }
  const double me1 = median(every1), me = median(every), mk = median(kept), mk1 = median(kept1);
  row(problem, method, "every1", se1, me1);
  row(problem, method, "every", se, me);
  row(problem, method, "kept", sk, mk);
  row(problem, method, "kept1", sk1, mk1);
  std::printf("%-6s %-17s CPU time against every1 (the packs' default): every %.3f  kept %.3f  kept1 %.3f; "
              "same controller: kept/every %.3f  kept1/every1 %.3f\n",
              problem, method, me / me1, mk / me1, mk1 / me1, mk / me, mk1 / me1);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 5;
  std::string problems = "pollu,ring,hires";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--problems" && i + 1 < argc) problems = argv[++i];
    else {
      std::fprintf(stderr, "dirk_reuse_bench: unknown option %s\noptions: --reps N --problems pollu,ring,hires\n",
                   a.c_str());
      return 2;
    }
  }
  const auto has = [&](const char* p) { return ("," + problems + ",").find(std::string(",") + p + ",") != std::string::npos; };
  std::printf("one run in double, CPU time per run (median of %d, alternating); J, LU, Newton per trial step\n", reps);
  if (has("pollu")) {
    compare<m::kvaerno5, pollu>("pollu", "kvaerno5", pollu_case, reps, 200);
    compare<m::l_stable_sdirk_4, pollu>("pollu", "l_stable_sdirk_4", pollu_case, reps, 200);
  }
  if (has("ring")) {
    compare<m::kvaerno5, ring_modulator>("ring", "kvaerno5", ring_case, reps, 1);
    compare<m::l_stable_sdirk_4, ring_modulator>("ring", "l_stable_sdirk_4", ring_case, reps, 1);
  }
  if (has("hires")) {
    compare<m::kvaerno5, hires>("hires", "kvaerno5", hires_case, reps, 50);
    compare<m::l_stable_sdirk_4, hires>("hires", "l_stable_sdirk_4", hires_case, reps, 50);
  }
  return 0;
}
