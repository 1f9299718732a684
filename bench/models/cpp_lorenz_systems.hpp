// bench/models/cpp_lorenz_systems.hpp
// The Lorenz system written in C++ (cubie::systems::lorenz) that the model-file Lorenz
// (examples/bench_lorenz.toml) is timed and compared against: classical_rk4 and
// dormand_prince_54 in float32. Each lives in a translation unit of its own, as a user's
// system would: the CPU entries in cpp_lorenz_cpu.cpp (the host compiler, cubie's flags),
// the CUDA kernels in cpp_lorenz_gpu.cu (nvcc; built only with CUDA).
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::bench {

/// make_system<systems::lorenz, {classical_rk4, dormand_prince_54}, float>() compiled as C++.
[[nodiscard]] std::shared_ptr<const compiled_system> cpp_lorenz_cpu();

#if defined(CUBIE_MODEL_BENCH_CUDA)
/// The same, compiled by nvcc: its gpu entries are the CUDA kernels.
[[nodiscard]] std::shared_ptr<const compiled_system> cpp_lorenz_gpu();
#endif

}  // namespace cubie::bench
