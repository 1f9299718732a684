// Must NOT compile: a Rosenbrock method on a system with no jacobian() whose rhs does not
// accept dual numbers (written for double only). The build stops with cubie's message naming
// what to add (tests/integrate/CMakeLists.txt checks the message).
#include "cubie/integrate/integrate_run.hpp"
#include "cubie/integrate/methods/rodas5p.hpp"

template <class S>
struct double_only {
  static constexpr int n_states = 1, n_parameters = 1, n_observables = 0;
  void rhs(double /*t*/, const double* y, const double* p, double* f) const { f[0] = -p[0] * y[0]; }
};

int main() {
  using stepper = cubie::stepper_for<cubie::methods::rodas5p, double, 1>;
  stepper st;
  stepper::work_type w;
  const double_only<double> sys{};
  const cubie::fixed_vector<double, 1> y{{1.0}}, p{{2.0}};
  st.start(sys, 0.0, y, p);
  (void)st.step(sys, 0.0, 0.1, y, p, w);
}
