// Must NOT compile: the rhs converts a state to a plain double (which would drop its
// derivative) and the system has no jacobian(): dual numbers refuse with cubie's message.
#include "cubie/integrate/integrate_run.hpp"
#include "cubie/integrate/methods/rodas5p.hpp"

template <class S>
struct casts_to_double {
  static constexpr int n_states = 1, n_parameters = 1, n_observables = 0;
  void rhs(S /*t*/, const S* y, const S* p, S* f) const {
    const double y0 = static_cast<double>(y[0]);
    f[0] = -p[0] * S(y0);
  }
};

int main() {
  using stepper = cubie::stepper_for<cubie::methods::rodas5p, double, 1>;
  stepper st;
  stepper::work_type w;
  const casts_to_double<double> sys{};
  const cubie::fixed_vector<double, 1> y{{1.0}}, p{{2.0}};
  st.start(sys, 0.0, y, p);
  (void)st.step(sys, 0.0, 0.1, y, p, w);
}
