// cubie/execution/result_sink.hpp
// Where an executor puts a chunk's results: straight into a SolveResult's arrays, or a
// scratch buffer that a file writer drains. Executors ask for a view per chunk, fill
// it, then commit it; views of chunks still in flight must not overlap.
#pragma once
#include <cstdint>

#include "../core/types.hpp"
#include "../integrate/batch_args.hpp"

namespace cubie {

/// Runs [begin, end) of a solve as run-innermost arrays, one pointer per output array of
/// the solve's output_layout (null for arrays it does not record): element e of run
/// begin + i of array id is at data[id] + e * run_stride + i.
struct output_view {
  void* data[output_count] = {};
  i64 run_stride = 0;
  bool pinned = false;  ///< page-locked: device copies can be asynchronous

  template <class T>
  [[nodiscard]] T* array(output_id id) const {
    return static_cast<T*>(data[static_cast<int>(id)]);
  }
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

  /// True when the sink can take a finished chunk straight from someone else's buffer
  /// (deliver()), as a file writer can: a staging ring then hands over its slot instead of
  /// copying it into the sink's own view first.
  [[nodiscard]] virtual bool takes_buffers() const { return false; }
  /// Runs [begin, end) are final in `data` (run_stride = end - begin); the sink consumes
  /// them before returning, as commit() does. Called in chunk order, instead of view+commit.
  virtual void deliver(i64 begin, i64 end, const output_view& data);
};

}  // namespace cubie
