// cubie/core/types.hpp
// Fixed-width integer names that need no <cstdint> (NVRTC has no host headers).
#pragma once

namespace cubie {
using i32 = int;
using u32 = unsigned int;
using i64 = long long;
using u64 = unsigned long long;
static_assert(sizeof(i64) == 8 && sizeof(u32) == 4, "cubie assumes LP64/LLP64 widths");
}  // namespace cubie
