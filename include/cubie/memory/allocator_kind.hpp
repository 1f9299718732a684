// cubie/memory/allocator_kind.hpp
// The device allocators a solver can choose (memory_settings::allocator) and the parsing of
// their user-facing names, CuBIE's aliases included.
#pragma once
#include <string_view>

namespace cubie::memory {

/// @brief Which device allocator a solver uses.
enum class allocator_kind {
  default_,  ///< "default": cudaMalloc/cudaFree around each solve.
  pool,      ///< "pool" (alias "cupy"): a caching pool reused across solves.
  async,     ///< "async" (alias "cupy_async"): stream-ordered, on a dedicated CUDA memory pool.
};

/// @brief Parses an allocator name: "default", "pool", "async", or CuBIE's "cupy" (pool) and
/// "cupy_async" (async); case-insensitive, '-' and '_' alike.
/// @throws cubie::invalid_argument naming the value and listing the valid names.
[[nodiscard]] allocator_kind parse_allocator_kind(std::string_view name);

/// @brief The canonical name: "default", "pool" or "async".
[[nodiscard]] std::string_view to_string(allocator_kind kind) noexcept;

}  // namespace cubie::memory
