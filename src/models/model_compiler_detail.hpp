// What the CPU and GPU halves of the model compiler share: the request, the names the
// generated code uses, and the one way a generated-code compile failure is reported.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "cubie/batch/solver_settings.hpp"
#include "cubie/models/compile_cache.hpp"
#include "cubie/models/model_compiler.hpp"

namespace cubie::models::detail {

/// The generated system's struct template name in every compiled translation unit.
inline constexpr const char* generated_struct_name = "cubie_generated_system";

struct build_request {
  std::string model_name;
  std::string system_source;         ///< generate_system_source() for the chosen precision
  std::vector<std::string> methods;  ///< canonical names, no duplicates
  cubie::precision precision = cubie::precision::float64;
  u32 summary_groups = 0;             ///< summary entries' accumulator groups; 0: none
  bool outline_rhs = false;           ///< the CPU code calls the rhs (outline_rhs_on_cpu())
  bool split_gpu_paths = true;        ///< a GPU program per loop path (!rhs_reads_time())
  /// Methods whose fixed-count path is built at once: their CPU library holds both loop
  /// paths, and (with split_gpu_paths) their fixed-count GPU program compiles beside the
  /// general one. The others' fixed-count code waits for the first solve that takes it.
  std::vector<std::string> fixed_count_now;
  std::filesystem::path include_dir;  ///< cubie's headers
  std::string header_digest;          ///< cubie_header_digest(include_dir)
  const compile_cache* cache = nullptr;
  const compile_options* options = nullptr;
};

/// A build_request holding copies of the options and the cache it points to, for a build that
/// outlives compile_model's call (a loop path compiled on its first need: the GPU's
/// gpu_context, the CPU's deferred_cpu_unit). Neither copied nor moved: `r` points into it.
struct owned_request {
  compile_options options;
  compile_cache cache;
  build_request r;

  explicit owned_request(const build_request& request)
      : options(*request.options), cache(request.cache->directory()), r(request) {
    r.options = &options;
    r.cache = &cache;
  }
  owned_request(const owned_request&) = delete;
  owned_request& operator=(const owned_request&) = delete;
};

/// "float" or "double": the value type the entries are instantiated for.
[[nodiscard]] inline const char* value_type_name(cubie::precision p) {
  return p == cubie::precision::float32 ? "float" : "double";
}
/// "f32" or "f64": the suffix of entry symbols.
[[nodiscard]] inline const char* precision_suffix(cubie::precision p) {
  return p == cubie::precision::float32 ? "f32" : "f64";
}

/// What compile_options::on_deferred_compile hears before a loop path left for its first
/// need compiles, on either backend.
[[nodiscard]] inline std::string deferred_compile_note(const build_request& r, const std::string& method) {
  return "compiling model '" + r.model_name + "' (" + method + ", " + value_type_name(r.precision) +
         ", fixed-count path)";
}

/// @brief Keeps the compiler's log next to the kept source and throws the internal
///   error that asks for a bug report. `backend` is "the CPU" or "the GPU".
[[noreturn]] void throw_generated_code_failure(const build_request& request, const std::string& backend,
                                               const std::string& key, const std::filesystem::path& source_path,
                                               const std::string& command, const std::string& log);

/// @brief Prints one line on stderr (whole, so concurrent compiles do not interleave).
void report_line(const std::string& line);

}  // namespace cubie::models::detail
