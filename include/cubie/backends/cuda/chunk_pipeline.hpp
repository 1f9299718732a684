// cubie/backends/cuda/chunk_pipeline.hpp
// The chunk loop of a device backend: plan, run chunks over several streams, commit them in
// order, shrink and retry when an allocation fails. Plain C++, so CI drives it with a fake device.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "../../execution/chunk_queue.hpp"
#include "../../execution/executor.hpp"
#include "../../execution/result_sink.hpp"
#include "../../core/error.hpp"
#include "../../memory/chunk_plan.hpp"
#include "../../memory/device_resource.hpp"

namespace cubie::cuda {

/// @brief What the pipeline asks of a device: per-slot streams, the buffer a slot needs, and
/// the three steps of a chunk. A slot is one set of chunk buffers used on one stream.
///
/// - slot_bytes(runs): device bytes of a slot holding a chunk of `runs` runs.
/// - stream(slot): the stream a slot's allocations and work are ordered on.
/// - enqueue(slot, buffer, chunk, view): queue upload, kernel and download of `chunk` into
///   `view`; may return before any of it ran. Throws cubie::device_error.
/// - complete(slot, chunk, view): wait until the chunk's results are in `view`.
///   Throws cubie::device_error (a fault of the kernel surfaces here).
/// - drain(): wait for all queued work, ignoring errors (the error path).
template <class D>
concept chunk_device = requires(D& d, const D& cd, int slot, void* buffer, const memory::chunk_range& chunk,
                                const output_view& view, std::int64_t runs) {
  { cd.slot_bytes(runs) } -> std::convertible_to<std::size_t>;
  { cd.stream(slot) } -> std::same_as<memory::stream_view>;
  d.enqueue(slot, buffer, chunk, view);
  d.complete(slot, chunk, view);
  { d.drain() } noexcept;
};

/// @brief A chunk_device that can also queue a chunk in two steps: launch(slot, buffer, chunk)
/// queues its upload and kernel, download(slot, buffer, chunk, view) its download into `view`
/// (together what enqueue does). The pipeline then asks the sink for the chunk's view between
/// the two, so a view that costs host time (a staging ring slot pinned on first use) is made
/// while the device already computes the chunk. Both throw cubie::device_error.
template <class D>
concept split_chunk_device = chunk_device<D> && requires(D& d, int slot, void* buffer, const memory::chunk_range& chunk,
                                                         const output_view& view) {
  d.launch(slot, buffer, chunk);
  d.download(slot, buffer, chunk, view);
};

/// @brief Inputs of one pipelined solve.
struct pipeline_config {
  std::int64_t n_runs = 0;
  memory::memory_estimate estimate;  ///< per run, and fixed (for every slot and the driver together)
  std::uint64_t available_bytes = 0; ///< what the planner may use
  memory::chunk_options options;     ///< in_flight = the slots (streams) wanted
  std::string backend_name = "cuda"; ///< for messages
};

/// @brief What the pipeline did.
struct pipeline_report {
  std::vector<std::int64_t> chunk_runs;  ///< committed chunks, in order
  std::int64_t allocation_retries = 0;   ///< chunks shrunk after an allocation failed
  int slots = 0;                         ///< most buffer sets (streams) used at once
};

/// @brief How many chunks a batch that fits is worth cutting into, so that the transfers of
/// one chunk hide behind the kernels of the others.
///
/// A pipelined solve leaves one chunk's upload (before the first kernel) and one chunk's
/// download (after the last) uncovered, about transfer_time / k for k chunks, while every
/// chunk adds a fixed cost (a launch, events, the copy commands: `chunk_seconds`, plus
/// `copy_seconds` per copy command or 2-D row, which the copy engine pays one by one). The
/// sum T / k + k c is least at k = sqrt(T / c). Chunks are then made a whole number of waves
/// of resident threads (the planner rounds to whole waves), at least one wave each: a chunk
/// that does not fill the GPU gains nothing, since its runs all finish together anyway.
/// Below `min_transfer_bytes` of traffic, one chunk.
struct pipelining_policy {
  std::uint64_t min_transfer_bytes = std::uint64_t{16} << 20;
  double link_bytes_per_second = 55e9;  ///< PCIe 5 x16, measured on the H200
  double chunk_seconds = 10e-6;
  double copy_seconds = 0.4e-6;         ///< per 2-D row: measured on the H200 (B4, 2,727 more rows, +1.1 ms)
  std::int64_t max_chunks = 64;
};

/// @brief The min_chunks to give the planner for a batch of `n_runs` runs moving
/// `transfer_bytes` in total, on a device holding `wave_runs` runs resident at once, with
/// `copies_per_chunk` copy commands (or 2-D rows) per chunk. At least `min_chunks` (the
/// user's setting), at most policy.max_chunks, and no more than n_runs / wave_runs (chunks
/// of one wave at least); 1 when that leaves fewer than 2.
[[nodiscard]] inline std::int64_t pipelined_chunks(std::uint64_t transfer_bytes, std::int64_t n_runs,
                                                   std::int64_t wave_runs, std::int64_t copies_per_chunk,
                                                   std::int64_t min_chunks, const pipelining_policy& policy = {}) {
  if (transfer_bytes < policy.min_transfer_bytes || n_runs <= 0) return 1;
  const std::int64_t wave = std::max<std::int64_t>(wave_runs, 1);
  const double transfer_s = static_cast<double>(transfer_bytes) / policy.link_bytes_per_second;
  const double chunk_s = policy.chunk_seconds + policy.copy_seconds * static_cast<double>(std::max<std::int64_t>(copies_per_chunk, 0));
  const double best = std::sqrt(transfer_s / std::max(chunk_s, 1e-9));
  // Whole waves per chunk nearest to the best size, then the count that gives.
  const double waves_per_chunk = static_cast<double>(n_runs) / (best * static_cast<double>(wave));
  const auto per_chunk = std::max<std::int64_t>(1, std::llround(waves_per_chunk)) * wave;
  std::int64_t chunks = (n_runs + per_chunk - 1) / per_chunk;
  chunks = std::clamp<std::int64_t>(chunks, std::max<std::int64_t>(min_chunks, 1), std::max<std::int64_t>(policy.max_chunks, 1));
  chunks = std::min(chunks, n_runs / wave);
  return chunks >= 2 ? chunks : 1;
}

namespace detail {

inline std::string range_text(const memory::chunk_range& c, std::int64_t n_runs) {
  return "chunk [" + std::to_string(c.begin) + ", " + std::to_string(c.end) + ") of " + std::to_string(n_runs) +
         " runs";
}

/// The chunks of a solve on one device: the plan of every run, replanned at half the size
/// from a chunk whose buffers could not be allocated (memory::shrink_plan).
class planned_feed {
 public:
  planned_feed(const pipeline_config& config, const memory::chunk_options& options)
      : config_(config), options_(options),
        plan_(memory::plan_chunks(config.n_runs, config.estimate, config.available_bytes, options)) {}

  [[nodiscard]] int slots() const { return static_cast<int>(std::max<std::int64_t>(1, plan_.in_flight)); }
  [[nodiscard]] std::int64_t chunk_runs() const { return plan_.chunk_runs; }
  [[nodiscard]] chunk_queue::ticket take(bool /*may_block*/) {
    if (next_ >= plan_.chunks.size()) return {chunk_queue::outcome::finished, {}};
    return {chunk_queue::outcome::chunk, plan_.chunks[next_++]};
  }
  /// @throws cubie::out_of_memory when `failed` is one run.
  void shrink(const memory::chunk_range& failed) {
    plan_ = memory::shrink_plan(config_.n_runs, failed.begin, failed.size(), config_.estimate, options_);
    next_ = 0;
  }
  // A failure ends the solve on one device: nothing goes back anywhere.
  void give_back(const memory::chunk_range& /*chunk*/) noexcept {}
  void completed(const memory::chunk_range& /*chunk*/) noexcept {}

 private:
  const pipeline_config& config_;
  memory::chunk_options options_;
  memory::chunk_plan plan_;
  std::size_t next_ = 0;
};

/// One device's side of a chunk_queue shared with other devices: chunks of the size its
/// plan for queue.share_runs() runs gives (or smaller, near the end), taken as it goes.
class shared_feed {
 public:
  shared_feed(chunk_queue& queue, const pipeline_config& config, const memory::chunk_options& options)
      : queue_(queue), config_(config), options_(options) {
    const memory::chunk_plan plan = memory::plan_chunks(std::max<std::int64_t>(config.n_runs, 1), config.estimate,
                                                        config.available_bytes, options);
    size_ = plan.chunk_runs;
    slots_ = static_cast<int>(std::max<std::int64_t>(1, plan.in_flight));
    queue_.join(size_, slots_);
  }

  [[nodiscard]] int slots() const { return slots_; }
  [[nodiscard]] std::int64_t chunk_runs() const { return size_; }
  [[nodiscard]] chunk_queue::ticket take(bool may_block) { return queue_.take(size_, unit(), may_block); }
  /// Gives `failed` back and halves the chunk size (as memory::shrink_plan would).
  /// @throws cubie::out_of_memory when `failed` is one run (then nothing was given back).
  void shrink(const memory::chunk_range& failed) {
    const memory::chunk_plan half =
        memory::shrink_plan(failed.size(), 0, failed.size(), config_.estimate, options_);
    queue_.give_back(failed);
    size_ = half.chunk_runs;
    slots_ = static_cast<int>(std::max<std::int64_t>(1, options_.in_flight));
  }
  void give_back(const memory::chunk_range& chunk) { queue_.give_back(chunk); }
  void completed(const memory::chunk_range& chunk) { queue_.completed(chunk); }

 private:
  // Near the end chunks shrink in whole waves (no partly filled wave but the last), else in
  // aligned runs.
  [[nodiscard]] std::int64_t unit() const {
    const std::int64_t align = std::max<std::int64_t>(options_.align, 1);
    const std::int64_t wave = options_.wave > 0 ? (options_.wave + align - 1) / align * align : 0;
    return std::max<std::int64_t>(1, wave > 0 && wave <= size_ ? wave : std::min(align, size_));
  }

  chunk_queue& queue_;
  const pipeline_config& config_;
  memory::chunk_options options_;
  std::int64_t size_ = 1;
  int slots_ = 1;
};

/// The loop of run_chunk_pipeline and run_shared_chunk_pipeline, over the chunks `feed` gives.
template <chunk_device Device, class Feed>
void pipeline_loop(Device& device, memory::device_resource_ref resource, const pipeline_config& config, Feed& feed,
                   result_sink& sink, pipeline_report& report) {
  struct slot {
    void* buffer = nullptr;
    std::size_t bytes = 0;
    std::int64_t capacity = 0;
  };
  struct in_flight {
    memory::chunk_range chunk;
    int slot;
    output_view view;
  };

  const std::int64_t n_runs = config.n_runs;
  std::vector<slot> slots;
  std::deque<in_flight> queue;
  std::optional<memory::chunk_range> pending;  // taken, not yet queued
  std::int64_t committed = 0;

  auto free_slots = [&]() noexcept {
    for (std::size_t s = 0; s < slots.size(); ++s) {
      if (slots[s].buffer != nullptr)
        resource.deallocate(slots[s].buffer, slots[s].bytes, device.stream(static_cast<int>(s)));
      slots[s] = slot{};
    }
  };
  auto finish_front = [&] {
    const in_flight f = queue.front();
    try {
      device.complete(f.slot, f.chunk, f.view);
    } catch (const device_error& e) {
      throw chunk_failure(config.backend_name + " backend: " + detail::range_text(f.chunk, n_runs) +
                              " failed: " + e.what(),
                          committed, e.sticky());
    }
    queue.pop_front();
    sink.commit(f.chunk.begin, f.chunk.end);
    committed = f.chunk.end;
    report.chunk_runs.push_back(f.chunk.size());
    feed.completed(f.chunk);
  };

  try {
    int n_slots = feed.slots();
    std::size_t index = 0;  // chunks queued since the last (re)plan: chunk index i uses slot i mod slots
    while (true) {
      if (slots.size() != static_cast<std::size_t>(n_slots)) {
        free_slots();
        slots.assign(static_cast<std::size_t>(n_slots), slot{});
      }
      report.slots = std::max(report.slots, n_slots);
      // The slots in use are the last queue.size() indices: the next one is free unless all are.
      if (static_cast<int>(queue.size()) >= n_slots) finish_front();
      const chunk_queue::ticket t = feed.take(/*may_block=*/queue.empty());
      if (t.what == chunk_queue::outcome::finished) break;
      if (t.what == chunk_queue::outcome::wait) {
        if (!queue.empty()) finish_front();
        continue;
      }
      const memory::chunk_range chunk = t.range;
      pending = chunk;
      const int s = static_cast<int>(index % static_cast<std::size_t>(n_slots));

      if (slots[s].capacity < chunk.size()) {
        if (slots[s].buffer != nullptr) resource.deallocate(slots[s].buffer, slots[s].bytes, device.stream(s));
        slots[s] = slot{};
        const std::size_t bytes = device.slot_bytes(std::max(feed.chunk_runs(), chunk.size()));
        try {
          slots[s].buffer = resource.allocate(bytes, device.stream(s));
          slots[s].bytes = bytes;
          slots[s].capacity = std::max(feed.chunk_runs(), chunk.size());
        } catch (const out_of_memory& oom) {
          while (!queue.empty()) finish_front();
          free_slots();
          try {
            feed.shrink(chunk);
          } catch (const out_of_memory& no_room) {
            throw chunk_failure(config.backend_name + " backend: " + detail::range_text(chunk, n_runs) +
                                    ": out of device memory: " + oom.what() + "; " + no_room.what(),
                                committed, false);
          }
          pending.reset();  // the feed has it again
          ++report.allocation_retries;
          n_slots = feed.slots();
          index = 0;
          continue;
        }
      }

      auto chunk_failed = [&](const device_error& e) {
        // A refused launch leaves the context usable: the chunks queued before this one may
        // still finish, and are kept. After a sticky error nothing more can be trusted.
        if (!e.sticky()) {
          try {
            while (!queue.empty()) finish_front();
          } catch (const chunk_failure&) {
            // Reported below as the failure of this chunk; the runs committed so far stand.
          }
        }
        return chunk_failure(config.backend_name + " backend: " + detail::range_text(chunk, n_runs) +
                                 " failed: " + e.what(),
                             committed, e.sticky());
      };
      output_view view;
      if constexpr (split_chunk_device<Device>) {
        // The chunk computes while the sink makes its view (on the error path, drain() waits
        // for the launched chunk before anything it uses is freed).
        try {
          device.launch(s, slots[s].buffer, chunk);
        } catch (const device_error& e) {
          throw chunk_failed(e);
        }
        view = sink.view(chunk.begin, chunk.end);
        try {
          device.download(s, slots[s].buffer, chunk, view);
        } catch (const device_error& e) {
          throw chunk_failed(e);
        }
      } else {
        view = sink.view(chunk.begin, chunk.end);
        try {
          device.enqueue(s, slots[s].buffer, chunk, view);
        } catch (const device_error& e) {
          throw chunk_failed(e);
        }
      }
      queue.push_back({chunk, s, view});
      pending.reset();
      ++index;
    }
    while (!queue.empty()) finish_front();
  } catch (...) {
    device.drain();
    // Only now, with nothing left running on the device, may another device take them.
    if (pending) feed.give_back(*pending);
    for (const in_flight& f : queue) feed.give_back(f.chunk);
    free_slots();
    throw;
  }
  free_slots();
}

}  // namespace detail

/// @brief Runs every run of a batch through `device` in chunks and commits them to `sink` in
/// order.
///
/// Slots are allocated from `resource` on first use and reused by later chunks of the solve
/// (so the "default" allocator, whose free synchronises the device, frees nothing while the
/// pipeline runs); they go back to the resource when the solve ends. Chunk i uses slot
/// i mod slots; before a slot is reused, the chunk that held it is completed and committed,
/// which keeps commits in order and at most `slots` chunks in flight.
///
/// When a slot allocation throws cubie::out_of_memory (something else took the memory after
/// planning, or the estimate was short), the chunks in flight are completed and committed,
/// every slot is freed, and the rest of the batch is replanned at half the chunk size
/// (memory::shrink_plan). Finished chunks are kept.
///
/// @param after_planning called once between planning and the first allocation (test hook).
/// @throws cubie::out_of_memory from planning, before any work, when not even one run fits
/// (the message gives the bytes needed and available).
/// @throws chunk_failure naming the chunk and the error when a chunk fails, after draining the
/// device and freeing every slot, with the number of runs committed; sticky() is the device
/// error's. When a chunk cannot be queued (a non-sticky error such as a refused launch), the
/// chunks queued before it are completed and committed first. An allocation failure at a
/// chunk of one run is reported the same way.
template <chunk_device Device>
void run_chunk_pipeline(Device& device, memory::device_resource_ref resource, const pipeline_config& config,
                        result_sink& sink, pipeline_report& report,
                        const std::function<void()>& after_planning = {}) {
  if (config.n_runs <= 0) return;
  memory::chunk_options options = config.options;
  options.in_flight = std::max<std::int64_t>(1, std::min<std::int64_t>(options.in_flight, sink.max_in_flight()));
  detail::planned_feed feed(config, options);
  if (after_planning) after_planning();
  detail::pipeline_loop(device, resource, config, feed, sink, report);
}

/// @brief One device's part of a solve shared with others through `queue`: the same pipeline,
/// its chunks taken from the queue as slots free up (so a faster device takes more), each
/// commit reported to the queue. config.n_runs is what the device plans for (the queue's
/// share_runs()); chunks hold at most the planned size, smaller near the end. `sink` is
/// shared with the other devices (a reorder_sink): commits are in order within this device.
///
/// When a slot allocation fails, the chunk goes back to the queue and the device continues at
/// half the size. On any failure the device is drained and every chunk it took and did not
/// commit goes back to the queue before the exception leaves (chunk_failure as above; its
/// committed_runs is the end of this device's last committed chunk, not a prefix).
template <chunk_device Device>
void run_shared_chunk_pipeline(Device& device, memory::device_resource_ref resource, const pipeline_config& config,
                               chunk_queue& queue, result_sink& sink, pipeline_report& report,
                               const std::function<void()>& after_planning = {}) {
  memory::chunk_options options = config.options;
  options.in_flight = std::max<std::int64_t>(1, std::min<std::int64_t>(options.in_flight, sink.max_in_flight()));
  detail::shared_feed feed(queue, config, options);
  if (after_planning) after_planning();
  detail::pipeline_loop(device, resource, config, feed, sink, report);
}

}  // namespace cubie::cuda
