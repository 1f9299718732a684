// tests/bit_identity/scalar_test.cpp
// The scalar path of the loop (CPU entries of a system compiled by nvcc: one run per
// call): every case bit-identical to the recorded outputs. Needs no GPU.
#include "bit_identity_systems.hpp"
#include "bit_identity_test.hpp"

namespace {

TEST(BitIdentity, CpuScalarRuns) {
  using namespace cubie::test;
  check_against_reference(run_bit_identity_cases(merged(cuda_system_float(), cuda_system_double()), "cpu"),
                          "reference_cpu_scalar.txt");
}

}  // namespace
