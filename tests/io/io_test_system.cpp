#include "io_test_system.hpp"

#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> lorenz_system() {
  static const auto system =
      make_system<systems::lorenz, methods::method_list<methods::dormand_prince_54>, float, double>();
  return system;
}

batch_grid lorenz_grid(const compiled_system& system, int n) {
  std::vector<double> rho(n), x(n);
  // rho in a scrambled order (7919 is prime, so i -> 7919 i mod n permutes the runs):
  // costly runs, and the runs that fail, fall in every chunk, not only the last ones.
  for (int i = 0; i < n; ++i) {
    rho[i] = 60.0 * static_cast<double>((static_cast<long long>(i) * 7919) % n) / (n > 1 ? n - 1 : 1);
    x[i] = 1.0 + 0.001 * i;
  }
  return batch_grid::build(system.info, {{"x", x}, {"y", {0.5}}, {"z", {0.25}}}, {{"rho", rho}});
}

io::result_metadata test_metadata() {
  io::result_metadata m;
  m.model_name = "lorenz";
  m.model_text = "name = \"lorenz\"\n# the model text, verbatim: \"quotes\" and ünïcode\n";
  m.solver_settings = "{\"algorithm\":\"dormand_prince_54\"}";
  m.backend = "cpu";
  return m;
}

}  // namespace cubie::test
