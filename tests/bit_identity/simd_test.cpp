// tests/bit_identity/simd_test.cpp
// The CPU backend's SIMD-pack path: every case bit-identical to the recorded outputs.
#include "bit_identity_systems.hpp"
#include "bit_identity_test.hpp"

namespace {

TEST(BitIdentity, CpuSimdPacks) {
  using namespace cubie::test;
  check_against_reference(run_bit_identity_cases(merged(simd_system_float(), simd_system_double()), "cpu"),
                          "reference_cpu_simd.txt");
}

}  // namespace
