// cubie/execution/staging_ring.hpp
// A bounded ring of host buffers between an executor and a destination that is slow (a file)
// or cannot take device copies directly (pageable memory): the executor fills a slot (pinned
// memory when a GPU writes it) and commits it at once; a writer thread moves the slot into the
// destination and frees it while the executor runs the next chunks. The ring's bytes follow
// the chunk size and the slot count, not the batch; a full ring makes the executor wait.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "../memory/host_buffer.hpp"
#include "output_table.hpp"
#include "result_sink.hpp"

namespace cubie {

class staging_ring final : public result_sink {
 public:
  /// @param destination where chunks end up, in order (view+commit, or deliver() when it
  ///   takes buffers); used by the ring's writer thread only, from construction to finish().
  /// @param slots buffers in the ring: chunks the executor may have in flight plus those
  ///   waiting for the writer.
  /// @param allocator where slot memory comes from (pinned for a GPU's direct downloads).
  staging_ring(result_sink& destination, const output_layout& layout, int slots, host_allocator allocator);
  /// Stops the writer; chunks not delivered by then are dropped (call finish() to deliver).
  ~staging_ring() override;
  staging_ring(const staging_ring&) = delete;
  staging_ring& operator=(const staging_ring&) = delete;

  /// @brief A free slot for runs [begin, end); waits while every slot is in use.
  /// @throws what the destination threw, once it failed.
  output_view view(i64 begin, i64 end) override;
  /// @brief Queues the slot of [begin, end) for the writer and returns.
  /// @throws what the destination threw, once it failed.
  void commit(i64 begin, i64 end) override;
  [[nodiscard]] int max_in_flight() const override { return static_cast<int>(slots_.size()); }

  /// @brief Waits until every committed chunk is in the destination.
  /// @throws what the destination threw (the chunks before it stay delivered).
  void finish();
  /// Runs delivered to the destination so far (a prefix of the batch).
  [[nodiscard]] i64 delivered_runs() const;
  /// The most bytes the ring's slots held at once.
  [[nodiscard]] std::uint64_t peak_bytes() const { return peak_bytes_; }
  /// Milliseconds the executor waited for a free slot (the destination was the bottleneck).
  [[nodiscard]] double wait_ms() const { return wait_ms_; }

 private:
  struct slot {
    host_buffer block;
    output_view view;
    i64 begin = -1, end = -1;
    bool busy = false;
  };
  void writer_loop();
  void deliver_slot(slot& s);
  void rethrow_failure_locked() const;

  result_sink& destination_;
  output_layout layout_;
  host_allocator allocator_;
  std::vector<slot> slots_;
  std::deque<int> queue_;  // committed slots waiting for the writer, in order

  mutable std::mutex mutex_;
  std::condition_variable slot_freed_, work_, idle_;
  std::exception_ptr failure_;
  bool stop_ = false;
  bool writing_ = false;
  i64 delivered_ = 0;
  std::uint64_t held_bytes_ = 0, peak_bytes_ = 0;
  double wait_ms_ = 0;
  std::thread writer_;
};

}  // namespace cubie
