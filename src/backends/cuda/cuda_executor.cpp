#include "cubie/backends/cuda/cuda_executor.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <cuda_runtime_api.h>

#include "cubie/execution/parallel_copy.hpp"
#include "cubie/execution/staging_ring.hpp"
#include "cubie/backends/cuda/chunk_layout.hpp"
#include "cubie/backends/cuda/chunk_pipeline.hpp"
#include "cubie/backends/cuda/kernel_launcher.hpp"
#include "cubie/backends/cuda/pipeline_cut.hpp"
#include "cubie/core/error.hpp"
#include "cubie/memory/cuda_check.hpp"

namespace cubie::cuda {

namespace {

// ---- the CUDA side of the chunk pipeline -----------------------------------------------

/// Faults a pageable result's pages in on the copy threads (parallel_populate) on a thread of
/// its own, while the first chunks upload and compute; the first download into the result
/// waits for it (wait()). Joined at destruction on every path.
class populate_gate {
 public:
  populate_gate() = default;
  populate_gate(const populate_gate&) = delete;
  populate_gate& operator=(const populate_gate&) = delete;
  ~populate_gate() { wait(); }
  /// Starts populating every piece of `pieces` (address, bytes).
  void start(std::vector<std::pair<void*, std::size_t>> pieces) {
    thread_ = std::thread([pieces = std::move(pieces)] {
      for (const auto& [p, bytes] : pieces) (void)parallel_populate(p, bytes);
    });
  }
  void wait() noexcept {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

/// The chunk_device of run_chunk_pipeline on a CUDA device: one stream and one set of events
/// per slot, pinned input staging per slot from the shared pool (kept for the solve, returned
/// to the pool after it). Results are downloaded straight into the views, which are pinned
/// (a SolveResult's pinned storage, or the slots of the executor's staging ring).
template <class V>
class cuda_chunk_device {
 public:
  cuda_chunk_device(const prepared_batch<V>& batch, memory::stream_group& group, std::vector<detail::slot_events>& events,
                    memory::pinned_host_pool& pinned, detail::staged_inputs& staged, std::uint64_t staged_bound,
                    std::uint64_t max_pitch, solve_statistics& stats, bool pageable_inputs,
                    populate_gate* gate)
      : batch_(batch), group_(group), events_(events), pinned_(pinned), staged_(staged), staged_bound_(staged_bound),
        max_pitch_(max_pitch), stats_(stats), staging_in_(events.size()), pageable_inputs_(pageable_inputs),
        tables_(events.size()), deferred_(events.size()), gate_(gate) {
    if (staged_.batch != &batch_ || staged_.generation != batch_.generation || staged_.value_bytes != sizeof(V)) {
      // Another batch (or the same object rebuilt): the blocks' last uploads, in an earlier
      // solve, are done.
      release_staged(staged_);
      staged_.batch = &batch_;
      staged_.generation = batch_.generation;
      staged_.value_bytes = sizeof(V);
    }
    ++staged_.solves;
    if (batch_.gpu_first_pass != nullptr)
      handed_counts_ = static_cast<unsigned long long*>(pinned_.allocate_sync(handed_counts_bytes()));
  }

  /// Threads per block of the kernel and of the first pass's kernel (kernel_properties::block_size).
  void set_block_sizes(int block, int first_block) {
    block_ = block;
    first_block_ = first_block;
  }
  /// Two passes: launch the second pass from complete() over the runs the first handed on, once
  /// their count is on the host (none: no launch), instead of over the chunk right behind the
  /// first pass (auto_second_launch_counted()).
  void set_second_pass_on_count(bool on) { second_on_count_ = on && batch_.gpu_first_pass != nullptr; }

  cuda_chunk_device(const cuda_chunk_device&) = delete;
  cuda_chunk_device& operator=(const cuda_chunk_device&) = delete;

  ~cuda_chunk_device() {
    for (std::size_t s = 0; s < staging_in_.size(); ++s) release(staging_in_[s], static_cast<int>(s));
    if (handed_counts_ != nullptr) {
      // Its words are downloaded on every slot's stream: back to the pool once they are idle
      // (they are by now, drained or completed, unless a solve failed on the way).
      for (int s = 0; s < group_.stream_count(); ++s) CUBIE_CUDA_IGNORE(cudaStreamSynchronize(stream(s).value()));
      pinned_.deallocate_sync(handed_counts_, handed_counts_bytes());
    }
  }

  [[nodiscard]] std::size_t slot_bytes(std::int64_t runs) const { return chunk_layout<V>(batch_, runs).total_bytes(); }

  [[nodiscard]] memory::stream_view stream(int slot) const { return group_.stream(slot % group_.stream_count()); }

  void enqueue(int slot, void* buffer, const memory::chunk_range& chunk, const output_view& view) {
    launch(slot, buffer, chunk);
    download(slot, buffer, chunk, view);
  }

  // Upload and kernel; the pipeline asks the sink for the chunk's view (a staging ring slot,
  // pinned on first use) while they run, then queues the download.
  void launch(int slot, void* buffer, const memory::chunk_range& chunk) {
    const chunk_layout<V> layout(batch_, chunk.size());
    const cudaStream_t st = stream(slot).value();
    const detail::slot_events& ev = events_[static_cast<std::size_t>(slot)];
    char* base = static_cast<char*>(buffer);

    if (pageable_inputs_) {
      // Pageable staging (a first solve under CUBIE_HOST_STAGING=first_pageable, or every
      // solve under pageable): the small tables from a per-slot block, each varying column's
      // slice straight from the prepared inputs; the driver stages both (each call returns
      // once its source is copied out, so the tables block is free for the next chunk) and
      // nothing is pinned.
      std::vector<char>& tables = tables_[static_cast<std::size_t>(slot)];
      tables.resize(layout.varying_offset());
      layout.stage_tables(batch_, tables.data());
      CUBIE_CUDA_TRY(cudaEventRecord(ev.start, st));
      CUBIE_CUDA_TRY(cudaMemcpyAsync(base, tables.data(), tables.size(), cudaMemcpyHostToDevice, st));
      const std::size_t slice = static_cast<std::size_t>(chunk.size()) * sizeof(V);
      for (i64 c = 0; c < batch_.varying_columns; ++c) {
        CUBIE_CUDA_TRY(cudaMemcpyAsync(base + layout.varying_column_offset(c),
                                       chunk_layout<V>::varying_column(batch_, chunk, c), slice,
                                       cudaMemcpyHostToDevice, st));
      }
    } else {
      // Upload: tables and the chunk's input slice in one block, staged in pinned memory so
      // the copy is a DMA at link speed that returns at once (pageable memory would be copied
      // synchronously through the driver's own bounce buffers).
      const void* in = staged_upload(slot, chunk, layout);
      CUBIE_CUDA_TRY(cudaEventRecord(ev.start, st));
      CUBIE_CUDA_TRY(cudaMemcpyAsync(base, in, layout.staged_bytes(), cudaMemcpyHostToDevice, st));
    }
    CUBIE_CUDA_TRY(cudaEventRecord(ev.uploaded, st));

    // One launch for the whole chunk, in blocks of the kernel's size (set_block_sizes: 128,
    // or fewer for a kernel built for a smaller block; launch_geometry.hpp).
    unsigned grid = static_cast<unsigned>(grid_blocks(chunk.size(), block_));
    unsigned block = static_cast<unsigned>(block_);
    if (const auto& hook = cuda_test_hooks().before_launch) hook(grid, block);
    batch_args<V> args = layout.args(batch_, base);
    if (batch_.gpu_first_pass != nullptr) {
      // algorithm = "auto" in two passes (integrate/continuation.hpp): the explicit kernel
      // over the chunk, then auto over the runs it handed on, whose count stays on the device
      // (the second grid covers the chunk; threads past the count return at once). Each pass
      // in its own kernel's block size. The upload above set the count to 0 (chunk_layout).
      launch_integrate_kernel<V>(*batch_.gpu_first_pass, dim3(static_cast<unsigned>(grid_blocks(chunk.size(), first_block_))),
                                 dim3(static_cast<unsigned>(first_block_)), stream(slot), args);
      if (second_on_count_) {
        // The second pass is launched by complete(), once the count is on the host, over
        // exactly the runs handed on, and not at all when there are none.
        CUBIE_CUDA_TRY(cudaMemcpyAsync(handed_count(slot), base + layout.handed_count_offset(),
                                       sizeof(unsigned long long), cudaMemcpyDeviceToHost, st));
        CUBIE_CUDA_TRY(cudaEventRecord(ev.computed, st));
        stats_.bytes_to_device += layout.staged_bytes();
        return;
      }
      args.resume.resume = 1;
    }
    launch_integrate_kernel<V>(*batch_.gpu, dim3(grid), dim3(block), stream(slot), args);
    CUBIE_CUDA_TRY(cudaEventRecord(ev.computed, st));
    stats_.bytes_to_device += layout.staged_bytes();
  }

  // Download straight into the view (pinned: a DMA at link speed). Into pageable memory the
  // copy returns only once it is done, and it waits for the chunk's kernel: queued here it
  // would hold the host until then, and the next chunks would not be launched while this one
  // computes. So pageable downloads wait for complete(), which the pipeline calls once later
  // chunks are queued: the device computes those while the host copies this one (pageable
  // results under the host staging policy, or with staging_ring = false).
  void download(int slot, void* buffer, const memory::chunk_range& chunk, const output_view& view) {
    if (!view.pinned || second_on_count_) {
      deferred_[static_cast<std::size_t>(slot)] = deferred_download{true, buffer, chunk, view};
      return;
    }
    queue_download(slot, buffer, chunk, view);
  }

  void complete(int slot, const memory::chunk_range& /*chunk*/, const output_view& /*view*/) {
    deferred_download& later = deferred_[static_cast<std::size_t>(slot)];
    if (later.pending) {
      later.pending = false;
      if (second_on_count_) launch_second_pass(slot, later.buffer, later.chunk);
      if (gate_ != nullptr) gate_->wait();  // the result's pages are in before the driver writes them
      queue_download(slot, later.buffer, later.chunk, later.view);
    }
    const detail::slot_events& ev = events_[static_cast<std::size_t>(slot)];
    CUBIE_CUDA_TRY(cudaEventSynchronize(ev.done));
    float ms = 0;
    CUBIE_CUDA_TRY(cudaEventElapsedTime(&ms, ev.start, ev.uploaded));
    stats_.h2d_ms += ms;
    CUBIE_CUDA_TRY(cudaEventElapsedTime(&ms, ev.uploaded, ev.computed));
    stats_.kernel_ms += ms;
    if (second_on_count_) {
      // The stream idles from the first pass's end until complete() queued the rest.
      CUBIE_CUDA_TRY(cudaEventElapsedTime(&ms, ev.second_start, ev.second_done));
      stats_.kernel_ms += ms;
      CUBIE_CUDA_TRY(cudaEventElapsedTime(&ms, ev.second_done, ev.done));
    } else {
      CUBIE_CUDA_TRY(cudaEventElapsedTime(&ms, ev.computed, ev.done));
    }
    stats_.d2h_ms += ms;
    if (batch_.gpu_first_pass != nullptr) stats_.second_pass_runs += static_cast<std::int64_t>(*handed_count(slot));
  }

  // Two passes launched on the count: waits for the first pass of the chunk (and its count),
  // then launches the second over exactly the runs handed on, if any; events around it time it.
  void launch_second_pass(int slot, void* buffer, const memory::chunk_range& chunk) {
    const detail::slot_events& ev = events_[static_cast<std::size_t>(slot)];
    const cudaStream_t st = stream(slot).value();
    CUBIE_CUDA_TRY(cudaEventSynchronize(ev.computed));
    const auto count = static_cast<i64>(*handed_count(slot));
    CUBIE_CUDA_TRY(cudaEventRecord(ev.second_start, st));
    if (count > 0) {
      const chunk_layout<V> layout(batch_, chunk.size());
      batch_args<V> args = layout.args(batch_, buffer);
      args.resume.resume = 1;
      launch_integrate_kernel<V>(*batch_.gpu, dim3(static_cast<unsigned>(grid_blocks(count, block_))),
                                 dim3(static_cast<unsigned>(block_)), stream(slot), args);
    }
    CUBIE_CUDA_TRY(cudaEventRecord(ev.second_done, st));
  }

  void queue_download(int slot, void* buffer, const memory::chunk_range& chunk, const output_view& view) {
    const chunk_layout<V> layout(batch_, chunk.size());
    const cudaStream_t st = stream(slot).value();
    copy_outputs(layout, static_cast<const char*>(buffer), view, st);
    if (batch_.gpu_first_pass != nullptr && !second_on_count_) {
      CUBIE_CUDA_TRY(cudaMemcpyAsync(handed_count(slot), static_cast<const char*>(buffer) + layout.handed_count_offset(),
                                     sizeof(unsigned long long), cudaMemcpyDeviceToHost, st));
    }
    CUBIE_CUDA_TRY(cudaEventRecord(events_[static_cast<std::size_t>(slot)].done, st));
    stats_.bytes_to_host += layout.returned_bytes();
  }

  void drain() noexcept {
    // Downloads not yet made belong to chunks the pipeline gives up (an error path).
    for (deferred_download& d : deferred_) d.pending = false;
    for (int s = 0; s < group_.stream_count(); ++s) CUBIE_CUDA_IGNORE(cudaStreamSynchronize(stream(s).value()));
  }

 private:
  struct staging {
    void* ptr = nullptr;
    std::size_t bytes = 0;
  };

  // Two passes: the slot's count of runs handed to the second pass, downloaded with its
  // outputs (pinned, one word per slot, from the shared pool before any chunk is queued: a
  // page kept across solves, where cudaMallocHost and cudaFreeHost in every solve would pin
  // and unpin one, and a fresh pinned allocation between queued chunks keeps the streams
  // from running concurrently).
  unsigned long long* handed_count(int slot) { return handed_counts_ + slot; }
  [[nodiscard]] std::size_t handed_counts_bytes() const { return events_.size() * sizeof(unsigned long long); }
  unsigned long long* handed_counts_ = nullptr;

  // The pinned block holding `chunk`'s upload: kept from an earlier solve of this batch with
  // the same chunk (nothing to copy on the host), else, from the batch's second solve on,
  // staged now into a block kept for the next solve (within the bound), else into the slot's
  // staging.
  const void* staged_upload(int slot, const memory::chunk_range& chunk, const chunk_layout<V>& layout) {
    detail::staged_inputs& kept = staged_;
    for (const detail::staged_chunk& c : kept.chunks)
      if (c.begin == chunk.begin && c.end == chunk.end) return c.block;
    // Blocks of another cut of these runs (another plan) are of no more use; none of them was
    // uploaded in this solve, whose chunks so far lie before this one.
    std::erase_if(kept.chunks, [&](const detail::staged_chunk& c) {
      if (c.begin >= chunk.end || chunk.begin >= c.end) return false;
      pinned_.deallocate_sync(c.block, c.bytes);
      kept.bytes -= c.bytes;
      return true;
    });
    const auto copy = [](void* d, const void* s, std::size_t n) { parallel_copy(d, s, n); };
    const std::size_t bytes = layout.staged_bytes();
    if (kept.solves >= 2 && kept.bytes + bytes <= staged_bound_) {
      void* block = nullptr;
      try {
        block = pinned_.allocate(bytes, stream(slot));
        kept.chunks.push_back({chunk.begin, chunk.end, block, bytes});
      } catch (const std::exception&) {
        // No pinned memory to keep (or no room to note it): stage through the slot instead.
        if (block != nullptr) pinned_.deallocate_sync(block, bytes);
        block = nullptr;
      }
      if (block != nullptr) {
        kept.bytes += bytes;
        layout.stage(batch_, chunk, block, copy);
        return block;
      }
    }
    void* in = reserve(staging_in_[static_cast<std::size_t>(slot)], bytes, slot);
    layout.stage(batch_, chunk, in, copy);
    return in;
  }

  void release_staged(detail::staged_inputs& kept) noexcept {
    for (const detail::staged_chunk& c : kept.chunks) pinned_.deallocate_sync(c.block, c.bytes);
    kept = detail::staged_inputs{};
  }

  void* reserve(staging& block, std::size_t bytes, int slot) {
    if (block.bytes >= bytes) return block.ptr;
    release(block, slot);
    block.ptr = pinned_.allocate(bytes, stream(slot));
    block.bytes = bytes;
    return block.ptr;
  }
  void release(staging& block, int slot) noexcept {
    // The pool records an event on the slot's stream: the block is handed out again only once
    // the copies queued there are done.
    if (block.ptr != nullptr) pinned_.deallocate(block.ptr, block.bytes, stream(slot));
    block = staging{};
  }

  // rows x width bytes from a dense device block into rows `dst_pitch` apart on the host.
  void copy_rows_to_host(void* dst, std::size_t dst_pitch, const char* src, std::size_t width, std::int64_t rows,
                         cudaStream_t st) const {
    if (rows <= 0 || width == 0) return;
    if (dst_pitch <= max_pitch_ && width <= max_pitch_) {
      CUBIE_CUDA_TRY(cudaMemcpy2DAsync(dst, dst_pitch, src, width, width, static_cast<std::size_t>(rows),
                                       cudaMemcpyDeviceToHost, st));
      return;
    }
    // Pitches past the device's limit (runs x sizeof(V) above 2 GiB): one copy per row.
    for (std::int64_t r = 0; r < rows; ++r) {
      CUBIE_CUDA_TRY(cudaMemcpyAsync(static_cast<char*>(dst) + static_cast<std::size_t>(r) * dst_pitch,
                                     src + static_cast<std::size_t>(r) * width, width, cudaMemcpyDeviceToHost, st));
    }
  }

  // Every output array of the chunk (rows of `runs` elements, dense on the device) into the
  // view's rows, run_stride elements apart.
  void copy_outputs(const chunk_layout<V>& layout, const char* base, const output_view& view, cudaStream_t st) const {
    const precision p = batch_.outputs.precision;
    for (const output_array& arr : batch_.outputs.arrays) {
      const std::size_t eb = arr.element_bytes(p);
      copy_rows_to_host(view.data[static_cast<int>(arr.id)], static_cast<std::size_t>(view.run_stride) * eb,
                        base + layout.array_offset(arr.id), static_cast<std::size_t>(layout.runs()) * eb,
                        arr.values_per_run(), st);
    }
  }

  const prepared_batch<V>& batch_;
  memory::stream_group& group_;
  std::vector<detail::slot_events>& events_;
  memory::pinned_host_pool& pinned_;
  detail::staged_inputs& staged_;
  std::uint64_t staged_bound_;
  std::uint64_t max_pitch_;
  solve_statistics& stats_;
  std::vector<staging> staging_in_;
  bool pageable_inputs_;
  std::vector<std::vector<char>> tables_;  // per slot, pageable staging only
  struct deferred_download {
    bool pending = false;
    void* buffer = nullptr;
    memory::chunk_range chunk;
    output_view view;
  };
  std::vector<deferred_download> deferred_;  // per slot, downloads into pageable views only
  populate_gate* gate_;
  int block_ = kernel_block_size;
  int first_block_ = kernel_block_size;
  bool second_on_count_ = false;
};

static_assert(split_chunk_device<cuda_chunk_device<float>>);

// Host memory for the staging ring's slots: pinned blocks from the shared pool, reused
// across chunks and solves.
host_allocator pinned_allocator(memory::pinned_host_pool& pool) {
  host_allocator a;
  a.allocate = [&pool](std::size_t bytes) { return pool.allocate_sync(bytes); };
  a.deallocate = [&pool](void* p, std::size_t bytes) { pool.deallocate_sync(p, bytes); };
  a.name = "cuda_pinned_pool";
  a.pinned = true;
  return a;
}

// Ends the statistics phases of a solve on every path out of it.
class statistics_phase {
 public:
  explicit statistics_phase(memory::device_memory_stack& stack) : stack_(stack) {
    (void)stack_.statistics().push_counters();
    (void)stack_.device_statistics().push_counters();
  }
  statistics_phase(const statistics_phase&) = delete;
  statistics_phase& operator=(const statistics_phase&) = delete;
  ~statistics_phase() {
    if (!open_) return;
    (void)stack_.statistics().pop_counters();
    (void)stack_.device_statistics().pop_counters();
  }
  /// Ends the phases and returns (requests, device allocations).
  std::pair<memory::resource_statistics, memory::resource_statistics> close() {
    open_ = false;
    auto requests = stack_.statistics().pop_counters();
    auto device = stack_.device_statistics().pop_counters();
    return {requests, device};
  }

 private:
  memory::device_memory_stack& stack_;
  bool open_ = true;
};

// CUBIE_AUTO_SECOND_LAUNCH: how algorithm = "auto" in two passes launches its second pass per
// chunk. "always" (unset: the default) right behind the first pass over the chunk's grid, the
// count of runs handed on staying on the device (no wait on the host; an empty pass is
// launched anyway); "counted" once the count is on the host, over exactly those runs (none:
// no launch), from the wait the pipeline makes for the chunk anyway. For measurements
// (bench/gpu/auto_two_pass_session.sh); read at every solve.
bool auto_second_launch_counted() {
  const char* v = std::getenv("CUBIE_AUTO_SECOND_LAUNCH");
  if (v == nullptr || *v == '\0' || std::strcmp(v, "always") == 0) return false;
  if (std::strcmp(v, "counted") == 0) return true;
  throw invalid_argument(std::string("CUBIE_AUTO_SECOND_LAUNCH = '") + v +
                         "' is not allowed: use always (the second pass of algorithm = \"auto\" launched over each "
                         "chunk right behind the first) or counted (launched once the count of runs handed on is "
                         "known, over those runs only), or leave it unset (always)");
}

// Streams a solve pipelines over: while chunk i downloads, the kernel of chunk i+1 runs and
// that of chunk i+2 is queued behind it, so the GPU never waits for the host to queue work
// after a download (with two, the next kernel could only be queued once the previous
// chunk's download had finished).
constexpr int pipeline_streams = 3;

memory::stream_group_registry::membership join_stream_group(const std::string& name, int device) {
  memory::stream_group_registry& registry = memory::stream_group_registry::global();
  try {
    return registry.join(name, device, pipeline_streams);
  } catch (const invalid_argument&) {
    // The group exists with another number of streams: share it as it is (an invalid name
    // fails again here, with its message).
    return registry.join(name, device);
  }
}

// The executors alive, for release_cached_memory. Never destroyed: the exit handler may run
// after static destructors.
struct live_executors {
  std::mutex mutex;
  std::vector<cuda_executor*> all;
};

live_executors& live() {
  static auto* l = new live_executors();
  return *l;
}

}  // namespace

namespace detail {

void release_executor_caches(bool at_exit) {
  live_executors& l = live();
  std::lock_guard lock(l.mutex);
  for (cuda_executor* e : l.all) {
    if (at_exit) (void)e->try_release_cached();
    else e->release_cached();
  }
}

}  // namespace detail

// ---- the executor -------------------------------------------------------------------------

cuda_executor::cuda_executor(const memory::memory_settings& settings, int device)
    : device_(device),
      settings_(settings),
      registration_(memory::memory_manager::for_device(device).register_solver(settings.mem_proportion)),
      streams_(join_stream_group(settings.stream_group, device)),
      staging_policy_(memory::default_host_staging_policy()) {
  if (!settings_.host_staging.empty())
    staging_policy_.mode = memory::parse_host_staging_policy(settings_.host_staging.c_str(), nullptr).mode;
  const memory::cuda_device_guard guard(device_);
  cudaDeviceProp prop{};
  CUBIE_CUDA_TRY(cudaGetDeviceProperties(&prop, device_));
  device_name_ = prop.name;
  int pitch = 0;
  CUBIE_CUDA_TRY(cudaDeviceGetAttribute(&pitch, cudaDevAttrMaxPitch, device_));
  max_pitch_ = static_cast<std::uint64_t>(pitch);
  stack_ = std::make_unique<memory::device_memory_stack>(settings_.allocator_kind_value(), device_, budget_bytes(),
                                                         registration_.account());
  pinned_ = &shared_pinned_pool(device_, settings_.pinned_pool_bytes);
  // Solves convert inputs, touch pinned blocks and copy results on the copy threads: started
  // here, with the Solver, rather than inside the first solve.
  start_copy_threads();
  // The context exists before the exit handler is registered, so that the handler, run in
  // reverse order of registration, frees cubie's cached memory before the runtime tears down.
  CUBIE_CUDA_TRY(cudaFree(nullptr));
  detail::register_exit_release();
  live_executors& l = live();
  std::lock_guard lock(l.mutex);
  l.all.push_back(this);
}

cuda_executor::~cuda_executor() {
  {
    live_executors& l = live();
    std::lock_guard lock(l.mutex);
    std::erase(l.all, this);
  }
  drop_staged_inputs();
  const memory::cuda_device_guard guard(device_, std::nothrow);
  for (detail::slot_events& e : events_) {
    for (CUevent_st* ev : {e.start, e.uploaded, e.computed, e.done, e.second_start, e.second_done})
      if (ev != nullptr) CUBIE_CUDA_IGNORE(cudaEventDestroy(ev));
  }
}

std::uint64_t cuda_executor::budget_bytes() const {
  memory::memory_manager& manager = registration_.manager();
  return manager.budget_bytes(registration_, manager.device_info().total);
}

std::int64_t cuda_executor::solves_done() {
  std::lock_guard lock(mutex_);
  return solves_done_;
}

bool cuda_executor::last_solve_pageable() {
  std::lock_guard lock(mutex_);
  return last_pageable_;
}

std::uint64_t cuda_executor::staged_input_bytes() {
  std::lock_guard lock(mutex_);
  return staged_.bytes;
}

void cuda_executor::drop_staged_inputs() noexcept {
  // Every upload of a finished solve is done: the blocks go straight back to the pool.
  for (const detail::staged_chunk& c : staged_.chunks) pinned_->deallocate_sync(c.block, c.bytes);
  staged_ = detail::staged_inputs{};
}

void cuda_executor::release_cached_locked() {
  drop_staged_inputs();
  if (context_lost_) return;  // nothing can be freed through a lost context
  const memory::cuda_device_guard guard(device_);
  stack_->release();
}

void cuda_executor::release_cached() {
  std::lock_guard lock(mutex_);
  release_cached_locked();
}

bool cuda_executor::try_release_cached() noexcept {
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  try {
    release_cached_locked();
  } catch (...) {
    (void)cudaGetLastError();
    return false;
  }
  return true;
}

void cuda_executor::warm_up(const compiled_system& system, const entry_key& key) {
  std::lock_guard lock(mutex_);
  if (context_lost_) return;
  const auto it = system.gpu.find(key);
  if (it == system.gpu.end() || it->second.function == nullptr) return;
  const memory::cuda_device_guard guard(device_);
  (void)properties_of(it->second);
  ensure_events(streams_.group().stream_count());
}

void cuda_executor::execute(const prepared_batch<float>& b, result_sink& s, solve_statistics& st) { run(b, s, st, nullptr); }
void cuda_executor::execute(const prepared_batch<double>& b, result_sink& s, solve_statistics& st) { run(b, s, st, nullptr); }
void cuda_executor::execute_shared(const prepared_batch<float>& b, chunk_queue& q, result_sink& s, solve_statistics& st) {
  run(b, s, st, &q);
}
void cuda_executor::execute_shared(const prepared_batch<double>& b, chunk_queue& q, result_sink& s,
                                   solve_statistics& st) {
  run(b, s, st, &q);
}

bool cuda_executor::usable() const {
  std::lock_guard lock(mutex_);
  return !context_lost_;
}

const kernel_properties& cuda_executor::properties_of(const gpu_kernel& kernel) {
  auto& slot = kernels_[kernel.function];
  if (!slot) slot = std::make_unique<kernel_properties>(query_kernel_properties(kernel, device_));
  return *slot;
}

void cuda_executor::ensure_events(int slots) {
  while (static_cast<int>(events_.size()) < slots) {
    detail::slot_events e;
    for (CUevent_st** ev : {&e.start, &e.uploaded, &e.computed, &e.done, &e.second_start, &e.second_done}) {
      cudaEvent_t created = nullptr;
      const cudaError_t err = cudaEventCreate(&created);
      if (err != cudaSuccess) {
        for (CUevent_st* made : {e.start, e.uploaded, e.computed, e.done, e.second_start, e.second_done})
          if (made != nullptr) CUBIE_CUDA_IGNORE(cudaEventDestroy(made));
        memory::throw_cuda_error(err, "cudaEventCreate", __FILE__, __LINE__);
      }
      *ev = created;
    }
    events_.push_back(e);
  }
}

template <class V>
void cuda_executor::run(const prepared_batch<V>& batch, result_sink& sink, solve_statistics& stats, chunk_queue* shared) {
  std::lock_guard lock(mutex_);
  stats.backend = "cuda";
  stats.device = device_name_;
  if (context_lost_) {
    throw device_error("cuda backend: the CUDA context of device " + std::to_string(device_) +
                           " was lost by an earlier solve (" + context_lost_reason_ +
                           "); this process cannot use the GPU again: restart it",
                       true);
  }
  if (batch.gpu == nullptr || batch.gpu->function == nullptr) {
    throw invalid_argument("cuda backend: system '" + (batch.system ? batch.system->info.name : std::string("?")) +
                           "' has no CUDA kernel for " + batch.method + " in " + (sizeof(V) == 4 ? "float32" : "float64"));
  }
  if (batch.n_runs <= 0) return;
  // Sharing a solve with other devices, this one plans for its share of the runs.
  const std::int64_t planned_runs = shared != nullptr ? shared->share_runs() : batch.n_runs;

  try {
    const memory::cuda_device_guard guard(device_);
    memory::stream_group& group = streams_.group();
    const kernel_properties& kp = properties_of(*batch.gpu);
    stats.kernel_registers = kp.registers_per_thread;
    stats.kernel_local_bytes = kp.local_bytes_per_thread;
    stats.kernel_blocks_per_sm = kp.blocks_per_multiprocessor;
    if (batch.gpu_first_pass != nullptr) {
      const kernel_properties& first = properties_of(*batch.gpu_first_pass);
      stats.first_pass_registers = first.registers_per_thread;
      stats.first_pass_blocks_per_sm = first.blocks_per_multiprocessor;
    }
    if (batch.method == "auto_switch") stats.auto_passes = batch.gpu_first_pass != nullptr ? 2 : 1;
    const bool second_on_count = batch.gpu_first_pass != nullptr && auto_second_launch_counted();
    memory::memory_manager& manager = registration_.manager();
    const memory::device_memory_info info = manager.device_info();
    // The share moves as other solvers register and leave: the limit follows it per solve.
    const std::uint64_t budget = manager.budget_bytes(registration_, info.total);
    stack_->set_limit(budget);
    const bool async = stack_->kind() == memory::allocator_kind::async;
    const std::uint64_t reserved_before = async ? stack_->cached_bytes() : 0;
    const std::uint64_t available =
        std::min(budget, info.free + registration_.held_bytes() + stack_->cached_bytes());

    // Whole-result sinks (a SolveResult) say once whether their storage is pinned: then the
    // chunks download straight into it. Any other sink (pageable storage, a file) gets a
    // staging ring of pinned slots in front: the downloads land there and a writer thread
    // moves them on while the next chunks compute.
    bool direct = false;
    if (sink.whole_result_in_memory()) direct = sink.view(0, std::min<i64>(batch.n_runs, 1)).pinned;
    // The host staging policy (CUBIE_HOST_STAGING): a first solve's pinned staging is fresh
    // memory to fault in and register (about 7 ms of B1's 17 ms first solve on the H200),
    // which copies straight from and to pageable memory avoid. Results go straight into
    // pageable storage only when the sink holds the whole result (a file sink keeps the ring).
    // The bytes a run moves over the link: auto's continuation record (two passes) stays on
    // the device.
    const std::uint64_t moved_per_run = link_bytes_per_run(batch);
    const bool pageable = shared == nullptr &&
                          memory::stage_through_pageable(staging_policy_, solves_done_ == 0,
                                                         static_cast<std::uint64_t>(batch.n_runs) * moved_per_run);
    const bool pageable_outputs = pageable && !direct && sink.whole_result_in_memory();
    last_pageable_ = pageable;
    // The driver copies downloads into pageable memory on one thread: fresh result pages are
    // faulted in first on the copy threads (contents left alone; present pages cost a
    // page-table walk), while the first chunks upload and compute. Declared before the device,
    // so that it is joined after the device drained.
    populate_gate gate;
    if (pageable_outputs && staging_policy_.populate_results) {
      const output_view whole = sink.view(0, batch.n_runs);
      std::vector<std::pair<void*, std::size_t>> pieces;
      for (const output_array& arr : batch.outputs.arrays) {
        const std::size_t bytes = static_cast<std::size_t>(arr.values_per_run()) *
                                  static_cast<std::size_t>(whole.run_stride) * arr.element_bytes(batch.outputs.precision);
        pieces.emplace_back(whole.data[static_cast<int>(arr.id)], bytes);
      }
      gate.start(std::move(pieces));
    }
    const int slots = std::max(1, std::min(group.stream_count(), direct ? sink.max_in_flight() : 1 << 30));
    // Beyond the chunks in flight, room for the writer to lag a chunk behind: every slot is
    // pinned memory, which a first solve pays for (about 2.7 GB/s on the H200's host).
    const int ring_slots = slots + 1;
    const bool use_ring = !direct && !pageable_outputs && settings_.staging_ring;
    ensure_events(group.stream_count());

    memory::memory_estimate estimate;
    estimate.bytes_per_run = batch.bytes_per_run();
    estimate.fixed_bytes = kp.local_memory_reservation() +
                           static_cast<std::uint64_t>(slots) * chunk_layout<V>::overhead_bound(batch);
    // algorithm = "auto" in two passes: the explicit kernel's local memory too.
    if (batch.gpu_first_pass != nullptr) estimate.fixed_bytes += properties_of(*batch.gpu_first_pass).local_memory_reservation();

    // Chunks are whole waves of the kernel every run goes through: auto's explicit first pass
    // where it runs in two (the second takes only the runs handed on, packed). The cut counts
    // the bytes that cross the link (not auto's continuation records) and the copy commands
    // (pipeline_cut.hpp).
    cut_settings cut;
    cut.planned_runs = planned_runs;
    cut.wave = batch.gpu_first_pass != nullptr ? properties_of(*batch.gpu_first_pass).resident_threads()
                                               : kp.resident_threads();
    cut.min_chunks = settings_.min_chunks;
    cut.max_chunk_runs = settings_.max_chunk_runs;
    cut.slots = slots;
    memory::chunk_options options = pipelining_options(batch, cut);
    // Pinned staging is bounded: the slots' input staging and the ring's slots together stay
    // within the pinned pool's bound.
    const std::uint64_t pinned_per_run =
        (pageable ? 0 : static_cast<std::uint64_t>(slots) * static_cast<std::uint64_t>(batch.varying_columns) * sizeof(V)) +
        (use_ring ? static_cast<std::uint64_t>(ring_slots) * batch.outputs.bytes_per_run() : 0);
    if (pinned_per_run > 0) {
      const auto staging_cap =
          static_cast<std::int64_t>(std::max<std::uint64_t>(settings_.pinned_pool_bytes / pinned_per_run, 32));
      options.max_chunk_runs = options.max_chunk_runs > 0 ? std::min(options.max_chunk_runs, staging_cap) : staging_cap;
    }

    pipeline_config config;
    config.n_runs = planned_runs;
    config.estimate = estimate;
    config.available_bytes = available;
    config.options = options;
    config.backend_name = "cuda";
    stats.budget_bytes = budget;

    pipeline_report report;
    statistics_phase phase(*stack_);
    auto record = [&] {
      stats.chunks = static_cast<std::int64_t>(report.chunk_runs.size());
      stats.chunk_runs = report.chunk_runs;
      stats.streams = report.slots;
      stats.allocation_retries = report.allocation_retries;
    };
    // Declared before the device: on the way out the device drains its streams first, so no
    // download still writes into a slot the ring frees.
    std::optional<staging_ring> ring;
    if (use_ring) ring.emplace(sink, batch.outputs, ring_slots, pinned_allocator(*pinned_));
    result_sink& target = ring ? static_cast<result_sink&>(*ring) : sink;
    try {
      cuda_chunk_device<V> device(batch, group, events_, *pinned_, staged_, settings_.pinned_pool_bytes / 4, max_pitch_,
                                  stats, pageable, pageable_outputs ? &gate : nullptr);
      device.set_block_sizes(kp.block_size, batch.gpu_first_pass != nullptr ? properties_of(*batch.gpu_first_pass).block_size
                                                                            : kernel_block_size);
      device.set_second_pass_on_count(second_on_count);
      if (shared != nullptr) {
        run_shared_chunk_pipeline(device, stack_->resource(), config, *shared, target, report,
                                  cuda_test_hooks().after_planning);
      } else {
        run_chunk_pipeline(device, stack_->resource(), config, target, report, cuda_test_hooks().after_planning);
      }
      if (ring) ring->finish();
    } catch (const chunk_failure& f) {
      record();
      if (!ring) throw;
      // The chunks committed before the failure still reach the destination.
      try {
        ring->finish();
      } catch (...) {
        // The destination failed too; what it holds is what was delivered.
      }
      stats.staging_peak_bytes = ring->peak_bytes();
      throw chunk_failure(f.what(), ring->delivered_runs(), f.sticky());
    } catch (...) {
      record();
      throw;
    }
    record();
    ++solves_done_;
    if (ring) {
      stats.staging_peak_bytes = ring->peak_bytes();
      stats.staging_wait_ms = ring->wait_ms();
    }
    if (async) {
      // Frees are stream-ordered: the pool counts them as used until the streams pass them.
      for (int s = 0; s < group.stream_count(); ++s) CUBIE_CUDA_TRY(cudaStreamSynchronize(group.stream(s).value()));
    }
    const auto [requests, device_calls] = phase.close();
    stats.peak_device_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(requests.bytes.peak, 0));
    stats.current_device_bytes = stack_->held_bytes() + stack_->cached_bytes();
    // For async, a call to the CUDA pool is an allocation only when the pool had to grow.
    const bool grew = !async || stack_->cached_bytes() > reserved_before;
    stats.device_allocations = grew ? static_cast<std::uint64_t>(device_calls.allocations.total) : 0;
  } catch (const chunk_failure& f) {
    if (f.sticky()) {
      context_lost_ = true;
      context_lost_reason_ = f.what();
    }
    throw;
  } catch (const device_error& e) {
    if (e.sticky()) {
      context_lost_ = true;
      context_lost_reason_ = e.what();
    }
    throw;
  }
}

}  // namespace cubie::cuda
