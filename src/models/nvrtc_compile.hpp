// One NVRTC compilation to a CUBIN, with the options cubie's integration core needs.
// Used by the GPU model compiler and by the CI check that the core compiles under NVRTC.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cubie::models::detail {

struct nvrtc_output {
  bool success = false;
  std::string log;                         ///< NVRTC's log (warnings too on success)
  std::string cubin;                       ///< empty on failure
  std::vector<std::string> lowered_names;  ///< mangled name per name expression, in order
};

/// @brief The options that compile cubie's core to a CUBIN for sm_`sm`:
///   --std=c++20, -arch=sm_XY, --fmad=true (the library's nvcc setting, so results match),
///   -default-device and -I include_dir. -default-device because the core's generic
///   lambdas (static_for bodies) and a few constexpr helpers carry no __host__/__device__
///   annotation: nvcc infers it, NVRTC treats unannotated functions as host code.
[[nodiscard]] std::vector<std::string> nvrtc_core_options(int sm, const std::filesystem::path& include_dir);

/// @brief Compiles `source`, instantiating each name expression ("&ns::kernel<A, B>").
/// @throws cubie::error when NVRTC cannot be loaded or an API call other than the
///   compilation itself fails; a compilation error is reported in the result.
[[nodiscard]] nvrtc_output nvrtc_compile(std::string_view source, const std::string& program_name,
                                         const std::vector<std::string>& options,
                                         const std::vector<std::string>& name_expressions);

/// @brief "MAJOR.MINOR" of the loaded NVRTC.
/// @throws cubie::error when NVRTC cannot be loaded.
[[nodiscard]] std::string nvrtc_version_text();

}  // namespace cubie::models::detail
