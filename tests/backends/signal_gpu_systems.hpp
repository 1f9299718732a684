// tests/backends/signal_gpu_systems.hpp
// Systems with drivers and events compiled for the GPU (signal_gpu_systems.cu).
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::test {

/// dormand_prince_54 in float and double.
const std::shared_ptr<const compiled_system>& integrated_driver_gpu_system();
const std::shared_ptr<const compiled_system>& bouncing_ball_gpu_system();
/// dormand_prince_54 in double.
const std::shared_ptr<const compiled_system>& falling_body_gpu_system();

}  // namespace cubie::test
