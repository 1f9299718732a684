#include "cubie/memory/allocator_kind.hpp"

#include <string>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"

namespace cubie::memory {

allocator_kind parse_allocator_kind(std::string_view name) {
  const std::string n = normalize_name(name);
  if (n == "default") return allocator_kind::default_;
  if (n == "pool" || n == "cupy") return allocator_kind::pool;
  if (n == "async" || n == "cupy_async") return allocator_kind::async;
  throw invalid_argument("allocator = \"" + std::string(name) +
                         "\" is not allowed: valid allocators are default, pool, async, and CuBIE's aliases cupy "
                         "(= pool) and cupy_async (= async)");
}

std::string_view to_string(allocator_kind kind) noexcept {
  switch (kind) {
    case allocator_kind::default_:
      return "default";
    case allocator_kind::pool:
      return "pool";
    case allocator_kind::async:
      return "async";
  }
  return "default";
}

}  // namespace cubie::memory
