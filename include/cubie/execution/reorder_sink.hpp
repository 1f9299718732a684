// cubie/execution/reorder_sink.hpp
// The one sink several devices commit to at once: chunks finish out of order across devices,
// the destination receives them in run order. A result in memory is filled in place; a
// destination that must be written in order (a file) gets early chunks from held copies.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <vector>

#include "../memory/chunk_plan.hpp"
#include "../memory/host_buffer.hpp"
#include "output_table.hpp"
#include "result_sink.hpp"

namespace cubie {

/// @brief A thread-safe result_sink in front of a single-threaded destination that expects
/// commits in run order.
///
/// Destination holding the whole result in memory: view() is the destination's own view (the
/// device writes the final storage), commit() records the chunk and forwards the commits of
/// the runs now contiguous from the start, in order. Any other destination (a file writer, a
/// staging ring's destination): the sink takes buffers (deliver()); the chunk that is next in
/// order goes straight to the destination, an earlier-finished one is copied into a held
/// buffer until its turn (chunk_queue's window bounds how many). view()/commit() work there
/// too, with a held buffer as the view.
///
/// Calls to the destination are made one at a time, never under the lock that guards the
/// order, so copies of early chunks proceed while the destination writes. When the destination
/// throws (a write error, an interruption), the sink fails: that exception is rethrown by
/// every later call and by failure().
class reorder_sink final : public result_sink {
 public:
  /// @param begin the first run of the solve: the destination's next commit starts there.
  reorder_sink(result_sink& destination, const output_layout& layout, i64 begin);
  ~reorder_sink() override = default;
  reorder_sink(const reorder_sink&) = delete;
  reorder_sink& operator=(const reorder_sink&) = delete;

  output_view view(i64 begin, i64 end) override;
  void commit(i64 begin, i64 end) override;
  [[nodiscard]] bool whole_result_in_memory() const override { return in_memory_; }
  [[nodiscard]] bool takes_buffers() const override { return !in_memory_; }
  void deliver(i64 begin, i64 end, const output_view& data) override;

  /// @brief The destination has every run of [begin, committed_end()), committed in order.
  [[nodiscard]] i64 committed_end() const;
  /// @brief Chunks committed here that the destination has not received (they wait for an
  /// earlier chunk that never came), in order.
  [[nodiscard]] std::vector<memory::chunk_range> waiting() const;
  /// @brief What the destination threw, if it failed (null otherwise).
  [[nodiscard]] std::exception_ptr failure() const;
  /// @brief The most bytes held at once in copies of early chunks.
  [[nodiscard]] std::uint64_t peak_held_bytes() const;
  /// @brief The runs of each chunk the destination received, in order.
  [[nodiscard]] std::vector<std::int64_t> forwarded_chunk_runs() const;

 private:
  struct held_chunk {
    i64 end = 0;
    host_buffer block;  // empty for a chunk of a result in memory (already in place)
    output_view view;
    bool committed = false;
  };
  output_view buffer_view(host_buffer& block, i64 runs) const;
  void copy_into(const output_view& to, const output_view& from, i64 runs) const;
  // Forwards every chunk ready at the head, one at a time, while no other thread does.
  void forward_ready(std::unique_lock<std::mutex>& lock);
  void forward_one(i64 begin, held_chunk& chunk);
  void rethrow_locked() const;

  result_sink& destination_;
  output_layout layout_;
  const bool in_memory_;

  mutable std::mutex mutex_;        // guards everything below
  std::mutex destination_mutex_;    // one call into the destination at a time
  std::map<i64, held_chunk> chunks_;  // begin -> chunk: views given out, and chunks committed early
  i64 next_;                        // the destination's next run
  bool forwarding_ = false;
  std::exception_ptr failure_;
  std::uint64_t held_bytes_ = 0, peak_held_bytes_ = 0;
  std::vector<std::int64_t> forwarded_;
};

}  // namespace cubie
