// tests/integrate/dirk_convergence_high_test.cpp
// Observed order of the DIRK methods with four or more stages (kvaerno3, l_stable_sdirk_4,
// kvaerno5), as dirk_convergence_test.cpp does for the others: fixed steps through the Solver
// on the smooth order problem (slope within 0.3 of the classical order) and on
// Prothero-Robinson with L = -1e6 (the stage order: 2 for the ESDIRKs, 1 for the SDIRK).
// A translation unit of its own so that the two build in parallel.
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "rosenbrock_orders.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& problem_system() {
  using high_dirks = m::method_list<m::kvaerno3, m::l_stable_sdirk_4, m::kvaerno5>;
  static const auto sys = make_system<order_and_prothero_robinson, high_dirks, double>();
  return sys;
}

TEST(DirkConvergence, Kvaerno3) {
  check_rosenbrock_order(problem_system(), "kvaerno3", 3, 2.0, {32, 64, 128, 256}, false, precision::float64, 1e-13);
  check_rosenbrock_order(problem_system(), "kvaerno3", 2, 1.0, {12, 24, 48, 96}, true, precision::float64, 1e-13);
}
TEST(DirkConvergence, LStableSdirk4) {
  check_rosenbrock_order(problem_system(), "l_stable_sdirk_4", 4, 2.0, {16, 32, 64, 128}, false, precision::float64, 1e-13);
  check_rosenbrock_order(problem_system(), "l_stable_sdirk_4", 1, 1.0, {100, 200, 400, 800}, true, precision::float64, 1e-13);
}
TEST(DirkConvergence, Kvaerno5) {
  check_rosenbrock_order(problem_system(), "kvaerno5", 5, 2.0, {8, 16, 32, 64}, false, precision::float64, 1e-13);
  check_rosenbrock_order(problem_system(), "kvaerno5", 2, 1.0, {12, 24, 48, 96}, true, precision::float64, 1e-13);
}

}  // namespace
