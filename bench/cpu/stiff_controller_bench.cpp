// bench/cpu/stiff_controller_bench.cpp
// The measurement behind the Rosenbrock family's default step controller: every Rosenbrock
// method on stiff reference problems (Robertson to 4e4 and 1e11, Van der Pol mu = 1e3, OREGO,
// HIRES) at three tolerances, for several controllers. Per case the steps taken (accepted +
// rejected: each costs a Jacobian and a factorisation) and the error at the end in units of
// the tolerance (max_i |y_i - ref_i| / (atol + rtol |ref_i|), references from SciPy's Radau
// at rtol 1e-12). A controller is better when it takes fewer steps at no worse an error.
//   stiff_controller_bench                      # every controller, summary per controller
//   stiff_controller_bench --detail             # plus one line per case
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "../../tests/stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

struct problem {
  const char* label;
  std::shared_ptr<const compiled_system> system;
  named_arrays inits, params;
  double duration;
  std::vector<double> reference;  // SciPy 1.17 Radau, rtol 1e-12 (1e-13 agrees to ~1e-13)
  double atol_scale;              // atol = atol_scale * tol (components far below 1 need it)
};

struct controller {
  const char* label;
  const char* kind;
  double kp, ki, max_gain, min_gain;
};

std::vector<problem> problems() {
  static const auto rob = make_system<robertson, m::rosenbrock_methods, double>();
  static const auto vdp = make_system<van_der_pol, m::rosenbrock_methods, double>();
  static const auto ore = make_system<orego, m::rosenbrock_methods, double>();
  static const auto hir = make_system<hires, m::rosenbrock_methods, double>();
  const named_arrays rob_init = {{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}};
  const named_arrays rob_par = {{"k1", {0.04}}, {"k2", {3e7}}, {"k3", {1e4}}};
  return {
      {"robertson 4e4", rob, rob_init, rob_par, 4e4, {0.03898337708548342, 1.6217683159097076e-07, 0.9610164607376847}, 1e-4},
      {"robertson 1e11", rob, rob_init, rob_par, 1e11, {2.0833401496992076e-08, 8.333360770326412e-14, 0.9999999791665182}, 1e-4},
      {"vdp mu=1e3", vdp, {{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1e3}}}, 3000.0, {-1.5106069367599528, 0.0011783800006902542}, 1.0},
      {"orego", ore, {{"y1", {1.0}}, {"y2", {2.0}}, {"y3", {3.0}}}, {}, 360.0,
       {1.0008148703185227, 1228.1785215499078, 132.0554942846618}, 1.0},
      {"hires", hir,
       {{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}, {"y4", {0.0}}, {"y5", {0.0}}, {"y6", {0.0}}, {"y7", {0.0}}, {"y8", {0.0057}}},
       {}, 321.8122,
       {0.0007371312573325112, 0.0001442485726316075, 5.888729740966552e-05, 0.0011756513432830441, 0.002386356198829717,
        0.006238968252737832, 0.00284999839518459, 0.002850001604815429},
       1e-2},
  };
}

}  // namespace

int main(int argc, char** argv) {
  bool detail = false;
  for (int i = 1; i < argc; ++i) detail = detail || std::strcmp(argv[i], "--detail") == 0;
  const std::vector<controller> controllers = {
      {"pi 0.7/-0.4, gain [0.2,10]", "pi", 0.7, -0.4, 10, 0.2},
      {"pi 0.7/-0.4, gain [0.2,6]", "pi", 0.7, -0.4, 6, 0.2},
      {"pi 0.6/-0.2, gain [0.2,10]", "pi", 0.6, -0.2, 10, 0.2},
      {"pi 1/6/+1/6 (H211PI)", "pi", 1.0 / 6, 1.0 / 6, 10, 0.2},
      {"i, gain [0.2,10]", "i", 1.0, 0.0, 10, 0.2},
      {"i, gain [0.2,6]", "i", 1.0, 0.0, 6, 0.2},
  };
  const char* methods[] = {"rosenbrock23_sciml", "ros3p", "rodas3p", "rodas4p", "rodas5p"};
  const double tols[] = {1e-4, 1e-6, 1e-8};
  const auto probs = problems();
  std::printf("%-28s %10s %10s %12s %12s %8s\n", "controller", "steps", "rejected", "median err", "worst err", "failed");
  for (const controller& c : controllers) {
    long steps = 0, rejected = 0;
    int failed = 0;
    std::vector<double> errs;
    for (const char* method : methods) {
      for (const problem& p : probs) {
        for (double tol : tols) {
          solver_settings s;
          s.algorithm = method;
          s.backend = "cpu";
          s.step_controller = c.kind;
          s.kp = c.kp;
          s.ki = c.ki;
          s.max_gain = c.max_gain;
          s.min_gain = c.min_gain;
          s.rtol = {tol};
          s.atol = {tol * p.atol_scale};
          Solver solver(p.system, s);
          solve_spec spec;
          spec.duration = p.duration;
          const SolveResult r = solver.solve(p.inits, p.params, spec);
          double err = 0;
          for (std::size_t i = 0; i < p.reference.size(); ++i) {
            const double v = r.final_values(solver.system().states[i])[0];
            err = std::max(err, std::fabs(v - p.reference[i]) / (s.atol[0] + tol * std::fabs(p.reference[i])));
          }
          const bool ok = r.status()[0] == 0;
          failed += ok ? 0 : 1;
          steps += r.steps_accepted()[0] + r.steps_rejected()[0];
          rejected += r.steps_rejected()[0];
          errs.push_back(ok ? err : INFINITY);
          if (detail) {
            std::printf("  %-28s %-19s %-15s tol %.0e: status %u, %6u steps, %5u rejected, error %.3g tol\n", c.label,
                        method, p.label, tol, r.status()[0], r.steps_accepted()[0], r.steps_rejected()[0], err);
          }
        }
      }
    }
    std::vector<double> sorted = errs;
    std::sort(sorted.begin(), sorted.end());
    std::printf("%-28s %10ld %10ld %12.3g %12.3g %8d\n", c.label, steps, rejected, sorted[sorted.size() / 2], sorted.back(),
                failed);
  }
}
