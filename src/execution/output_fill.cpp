#include "cubie/execution/output_fill.hpp"

#include <algorithm>
#include <limits>
#include <type_traits>

namespace cubie {

namespace {

/// Calls f with the array's storage as a typed pointer (float*, double* or u32*).
template <class F>
void with_typed(void* data, element_type type, precision p, F&& f) {
  switch (type) {
    case element_type::value:
      if (p == precision::float32) f(static_cast<float*>(data));
      else f(static_cast<double*>(data));
      return;
    case element_type::uint32: f(static_cast<u32*>(data)); return;
    case element_type::float64: f(static_cast<double*>(data)); return;
  }
}

}  // namespace

void nan_fill_failed_runs(const output_layout& layout, const output_view& view, i64 runs) {
  const u32* st = view.array<const u32>(output_id::status);
  if (st == nullptr) return;
  // Almost every chunk has no failed run: one OR over its statuses (a vectorised pass at
  // memory speed) settles that, so the per-run loop below runs only when needed. Executors
  // call this for every chunk on their critical path.
  u32 any_failed = 0;
  for (i64 r = 0; r < runs; ++r) any_failed |= st[r];
  if (any_failed == 0) return;
  const i64 stride = view.run_stride;
  for (const output_array& a : layout.arrays) {
    if (!a.nan_when_failed) continue;
    const i64 rows = a.values_per_run();
    with_typed(view.data[static_cast<int>(a.id)], a.type, layout.precision, [&](auto* data) {
      using T = std::remove_pointer_t<decltype(data)>;
      if constexpr (std::is_floating_point_v<T>) {
        const T nan = std::numeric_limits<T>::quiet_NaN();
        for (i64 r = 0; r < runs; ++r) {
          if (st[r] == 0) continue;
          for (i64 row = 0; row < rows; ++row) data[row * stride + r] = nan;
        }
      }
    });
  }
}

void fill_unintegrated(const output_layout& layout, const output_view& view, i64 runs) {
  const i64 stride = view.run_stride;
  for (const output_array& a : layout.arrays) {
    const i64 rows = a.values_per_run();
    with_typed(view.data[static_cast<int>(a.id)], a.type, layout.precision, [&](auto* data) {
      using T = std::remove_pointer_t<decltype(data)>;
      const T fill = static_cast<T>(a.unintegrated_value);
      for (i64 row = 0; row < rows; ++row) std::fill(data + row * stride, data + row * stride + runs, fill);
    });
  }
}

output_view offset_view(const output_layout& layout, const output_view& base, i64 begin) {
  output_view v = base;
  for (const output_array& a : layout.arrays) {
    const int k = static_cast<int>(a.id);
    if (v.data[k] != nullptr) v.data[k] = static_cast<char*>(v.data[k]) + begin * static_cast<i64>(a.element_bytes(layout.precision));
  }
  return v;
}

}  // namespace cubie
