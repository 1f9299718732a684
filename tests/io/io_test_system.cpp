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
  for (int i = 0; i < n; ++i) {
    rho[i] = 60.0 * i / (n > 1 ? n - 1 : 1);
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
