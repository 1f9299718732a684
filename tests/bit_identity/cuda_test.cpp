// tests/bit_identity/cuda_test.cpp
// The CUDA kernels: every case bit-identical to the outputs recorded on the H200.
#include "bit_identity_systems.hpp"
#include "bit_identity_test.hpp"
#include "cubie/backends/backend_registry.hpp"

namespace {

TEST(BitIdentity, CudaKernels) {
  using namespace cubie;
  using namespace cubie::test;
  if (!cuda_device_available()) GTEST_SKIP() << "no CUDA device: " << cuda_unavailable_reason();
  check_against_reference(run_bit_identity_cases(merged(cuda_system_float(), cuda_system_double()), "cuda"),
                          "reference_cuda.txt");
}

}  // namespace
