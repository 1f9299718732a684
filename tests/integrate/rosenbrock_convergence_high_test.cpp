// tests/integrate/rosenbrock_convergence_high_test.cpp
// Observed order of rodas4p and rodas5p with fixed steps through the Solver: classical order
// (4 and 5) on the smooth order problem, and order 3 on Prothero-Robinson with L = -1e6 (both
// are B_PR consistent of order 3, as Steinebach built them to avoid order reduction; see
// rosenbrock_convergence_test.cpp for the others).
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "rosenbrock_orders.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& problem_system() {
  static const auto sys = make_system<order_and_prothero_robinson, m::method_list<m::rodas4p, m::rodas5p>, double>();
  return sys;
}

TEST(RosenbrockConvergence, Rodas4p) {
  check_rosenbrock_order(problem_system(), "rodas4p", 4, 2.0, {32, 64, 128, 256}, false);
  check_rosenbrock_order(problem_system(), "rodas4p", 3, 1.0, {12, 24, 48, 96}, true);
}
TEST(RosenbrockConvergence, Rodas5p) {
  check_rosenbrock_order(problem_system(), "rodas5p", 5, 4.0, {16, 32, 64, 128}, false);
  check_rosenbrock_order(problem_system(), "rodas5p", 3, 1.0, {12, 24, 48, 96}, true);
}

}  // namespace
