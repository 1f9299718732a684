// cubie/models/model_compiler.hpp
// Turns a model into a compiled_system the Solver runs, at run time: generated C++
// compiled by the host compiler for the CPU and by NVRTC for the GPU, behind a disk cache.
#pragma once
#include "header_location.hpp"
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../execution/compiled_system.hpp"
#include "codegen.hpp"
#include "model.hpp"

namespace cubie::models {

/// Whether to build CUDA kernels for a model.
enum class gpu_compile {
  off,           ///< CPU only
  if_available,  ///< when this cubie has CUDA, a GPU is usable and NVRTC loads; skipped otherwise
  required,      ///< as if_available, but a missing GPU or NVRTC is an error
};

/// When to build a model's fixed-count path (the loop that only solves with fixed steps and
/// no save between the span's ends take). NVRTC builds each loop path of a model's kernels
/// as its own program; on the CPU a method's library holds the general loop only, or both
/// paths. A solve that never takes the fixed-count path never needs that code.
/// CUBIE_FIXED_COUNT=now in the environment overrides it with `now` (for comparisons).
enum class fixed_count_build {
  as_the_model_runs,  ///< now for the methods whose solve with the model's own [solver]
                      ///< settings and spec takes the path (takes_fixed_count_path); the
                      ///< others on the first solve that takes it
  now,                ///< every method's now, beside its general kernel (compiled in parallel)
  on_first_need,      ///< every method's on the first solve that takes the path
};

struct compile_options {
  bool cpu = true;                              ///< build the CPU entry points
  gpu_compile gpu = gpu_compile::if_available;  ///< build the CUDA kernels
  /// Methods to build, by name or alias; empty: the model's [solver] algorithm only.
  std::vector<std::string> methods;
  /// Arithmetic precision; unset: the model's. Another precision regenerates the
  /// system with that precision's literals.
  std::optional<cubie::precision> precision;
  /// Summary accumulator groups (integrate/summary_settings.hpp) of the entry points that
  /// compute summary metrics, built beside the plain ones; unset: the groups the model's
  /// output_types needs (none when it lists no summary metric); 0: none. Exactly the groups
  /// a solve needs cost the least per step; summary_group::all serves every request.
  std::optional<u32> summary_groups;
  /// Cache folder; empty: default_cache_directory() (compile_cache.hpp).
  std::filesystem::path cache_dir;
  /// 0 silent; 1 one line per backend on stderr (cache hit or compile time);
  /// 2 also the compile command and the compiler's warnings.
  int verbosity = 0;
  /// Appended to the host compiler's flags / NVRTC's options; part of the cache key.
  /// For experiments and tests (a bad flag forces a compile failure).
  std::vector<std::string> extra_cxx_flags;
  std::vector<std::string> extra_nvrtc_options;
  /// What the generated system holds (codegen.hpp). E.g. max_sparse_factor_flops = -1 leaves
  /// out the sparse LU, so implicit methods factorise a dense LU of jacobian() instead (for
  /// comparisons). Part of the generated source, hence of the cache key.
  codegen_options codegen;
  /// Compile CPU units with cubie's headers precompiled (GCC only): built once per cache
  /// folder, compiler, flags and header version, on another thread beside the first compile
  /// that misses it, and used by the later ones. The compiled code is the same either way;
  /// a precompiled header that is missing, being built, or rejected is simply not used.
  /// The environment variable CUBIE_PCH=0 also turns it off.
  bool precompiled_header = true;
  /// When the fixed-count path is built (fixed_count_build). What is left for later is
  /// compiled (or loaded from the cache) once, by the first solve that runs it, thread-safe;
  /// the compile report lists the units built by compile_model only.
  fixed_count_build gpu_fixed_count = fixed_count_build::as_the_model_runs;
  /// Called on the solving thread just before a solve compiles a kernel left for its first
  /// need (not for a cache hit), with what it compiles: "compiling model 'NAME' (METHOD,
  /// float, fixed-count path)". `cubie run` shows it on the terminal.
  std::function<void(const std::string&)> on_deferred_compile;
};

/// One compiled artifact and its cache entry: on the CPU one per method, on the GPU one
/// for all requested methods.
struct compile_unit_report {
  std::vector<std::string> methods;     ///< canonical names of the entries it holds
  bool cache_hit = false;               ///< loaded from the cache without compiling
  bool compiled = false;                ///< the compiler ran for it
  std::string cache_key;                ///< 64 hex digits; entries are KEY.so / KEY.cubin
  std::filesystem::path source_path;    ///< the generated translation unit in the cache
  std::filesystem::path artifact_path;  ///< the shared object or CUBIN loaded
  bool precompiled_header = false;      ///< compiled with the precompiled prelude (CPU)
};

/// What happened for one backend.
struct backend_compile_report {
  bool requested = false;               ///< the options asked for this backend
  bool built = false;                   ///< its entries are in the compiled_system
  std::string skipped_reason;           ///< why a requested backend was not built ("" when built)
  bool cache_hit = false;               ///< every unit loaded from the cache without compiling
  int compiler_runs = 0;                ///< compilations performed: 0 on a hit
  double compile_ms = 0.0;              ///< wall time of this backend: key, lookup, compile, load
  std::string cache_key;                ///< of the first unit (the first method on the CPU)
  std::filesystem::path source_path;    ///< of the first unit: its generated translation unit
  std::filesystem::path artifact_path;  ///< of the first unit: the shared object or CUBIN
  std::vector<compile_unit_report> units;  ///< every unit, in the order of the methods
  bool precompiled_header_built = false;  ///< this compile built the precompiled prelude (CPU)
};

struct compile_report {
  backend_compile_report cpu;
  backend_compile_report gpu;
};

/// @brief Compiles `model` for the requested backends, methods and precision (or
///   loads it from the cache) and returns what the Solver runs. The result keeps the
///   loaded code alive; entries are keyed (canonical method name, precision), summary
///   entries (method, precision, groups).
///   The cache key covers the generated source, the compiler and its version, every
///   option, the NVRTC version, the GPU architecture, -march (and what it enabled),
///   the cubie version and the text of cubie's headers.
/// @throws cubie::invalid_argument for an unknown method name, nothing to build, or
///   an unusable cache folder.
/// @throws cubie::internal_error when the generated code fails to compile: the
///   message holds the compiler's log and the path of the generated source, kept in the
///   cache folder for the bug report.
/// @throws cubie::error when the host compiler cannot be run, or gpu is `required`
///   and no GPU or no NVRTC is usable.
/// @throws cubie::device_error when a compiled CUBIN cannot be loaded on the GPU.
[[nodiscard]] std::shared_ptr<const compiled_system> compile_model(const model_definition& model,
                                                                   const compile_options& options = {},
                                                                   compile_report* report = nullptr);

/// @brief The folder of prebuilt precompiled headers that CPU model compiles read (never
///   write): $CUBIE_PCH_DIR, else lib/cubie/pch of the install this program belongs to.
[[nodiscard]] std::filesystem::path precompiled_headers_directory();

/// @brief Precompiles cubie's headers for CPU model compiles (GCC) into `folder` (empty:
///   precompiled_headers_directory()), for the default compile options and this program's
///   header folder, so that even the first compile in an empty cache folder skips parsing
///   them (`cubie prepare`; `cmake --install` runs it). Nothing is built when the entry is
///   complete. Returns the precompiled header's path.
/// @throws cubie::error when the host compiler is not GCC, or the build fails (with its
///   command and the compiler's output).
std::filesystem::path precompile_model_headers(const std::filesystem::path& folder = {});

// include_dir() and set_include_dir(): header_location.hpp.

/// @brief Why compile_model cannot build for the GPU here: no CUDA in this build, no
///   usable device, or no NVRTC. Empty when it can. Loads NVRTC to find out.
[[nodiscard]] std::string gpu_compile_unavailable_reason();

}  // namespace cubie::models
