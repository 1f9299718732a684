// tests/batch/summary_test_system.cpp: see summary_test_system.hpp. Summary entries cost
// build time (each set of accumulator groups is an instantiation of the loop), so only the
// (method, precision, groups) the tests solve are built.
#include "summary_test_system.hpp"

#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"
#include "test_systems.hpp"

namespace cubie::test {

namespace {

/// `into` with the entries of `from` added.
void merge(compiled_system& into, const compiled_system& from) {
  into.cpu.insert(from.cpu.begin(), from.cpu.end());
  into.cpu_summaries.insert(from.cpu_summaries.begin(), from.cpu_summaries.end());
}

}  // namespace

const std::shared_ptr<const compiled_system>& lorenz_summary_system() {
  static const auto sys = [] {
    using methods_t = methods::method_list<methods::dormand_prince_54, methods::classical_rk4>;
    auto all = std::make_shared<compiled_system>(
        *make_system<systems::lorenz, methods_t, float, double>(summary_entries<summary_group::all>{}));
    // The fitted entries in float only (the benchmark's precision).
    merge(*all, *make_system<systems::lorenz, methods_t, float>(summary_entries<max_mean_peaks_groups>{}));
    return std::shared_ptr<const compiled_system>(all);
  }();
  return sys;
}

const std::shared_ptr<const compiled_system>& linear_summary_system() {
  static const auto sys = [] {
    // classical_rk4 in float (float32 accuracy), dormand_prince_54 in double (peaks, save times).
    auto s = std::make_shared<compiled_system>(
        *make_system<linear2, methods::method_list<methods::classical_rk4>, float>(summary_entries<>{}));
    merge(*s, *make_system<linear2, methods::method_list<methods::dormand_prince_54>, double>(summary_entries<>{}));
    return std::shared_ptr<const compiled_system>(s);
  }();
  return sys;
}

}  // namespace cubie::test
