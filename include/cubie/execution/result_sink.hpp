// cubie/execution/result_sink.hpp
// Where an executor puts a chunk's results: straight into a SolveResult's arrays, or a
// scratch buffer that a file writer drains. Executors ask for a view per chunk, fill
// it, then commit it; views of chunks still in flight must not overlap.
#pragma once
#include <cstdint>

#include "../core/types.hpp"

namespace cubie {

/// Runs [begin, end) of a solve as run-innermost arrays. time_domain points at the
/// element (save 0, var 0, run begin); element (j, s, r) is at j*save_stride +
/// s*var_stride + (r - begin). status/accepted/rejected point at run begin.
struct output_view {
  void* time_domain = nullptr;
  i64 save_stride = 0;
  i64 var_stride = 0;
  u32* status = nullptr;
  u32* accepted = nullptr;  ///< null when counters are off
  u32* rejected = nullptr;
  bool pinned = false;      ///< page-locked: device copies can be asynchronous
};

class result_sink {
 public:
  virtual ~result_sink() = default;
  /// Where runs [begin, end) go. At most `max_in_flight()` views are outstanding.
  virtual output_view view(i64 begin, i64 end) = 0;
  /// Runs [begin, end) are final in their view. Called in chunk order.
  virtual void commit(i64 begin, i64 end) = 0;
  /// Views that may be outstanding at once (pipelined executors).
  [[nodiscard]] virtual int max_in_flight() const { return 1 << 30; }
  /// True when the sink stores the whole result in memory (views never recycle).
  [[nodiscard]] virtual bool whole_result_in_memory() const { return false; }
};

}  // namespace cubie
