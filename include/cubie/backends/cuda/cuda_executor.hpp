// cubie/backends/cuda/cuda_executor.hpp
// The CUDA backend: one executor per Solver, holding its VRAM budget, allocator and stream
// group membership; each solve is planned into chunks and pipelined over the group's streams.
#pragma once
#if !defined(CUBIE_WITH_CUDA)
#error "cubie/backends/cuda/cuda_executor.hpp needs a build with CUDA (CUBIE_WITH_CUDA)"
#endif
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../../execution/executor.hpp"
#include "../../memory/device_memory_stack.hpp"
#include "../../memory/memory_manager.hpp"
#include "../../memory/host_staging_policy.hpp"
#include "../../memory/memory_settings.hpp"
#include "../../memory/pinned_host_pool.hpp"
#include "../../memory/stream_group.hpp"

struct CUevent_st;

namespace cubie::cuda {

struct kernel_properties;

namespace detail {
/// The CUDA events that time one slot's chunk: before the upload, after it, after the kernel
/// and after the download; and around auto's second pass where it is launched on its count
/// (CUBIE_AUTO_SECOND_LAUNCH=counted, cuda_executor.cpp).
struct slot_events {
  CUevent_st* start = nullptr;
  CUevent_st* uploaded = nullptr;
  CUevent_st* computed = nullptr;
  CUevent_st* done = nullptr;
  CUevent_st* second_start = nullptr;
  CUevent_st* second_done = nullptr;
};

/// One chunk's staged upload (tables and inputs) kept in a pinned block.
struct staged_chunk {
  std::int64_t begin = 0, end = 0;
  void* block = nullptr;
  std::size_t bytes = 0;
};

/// The staged uploads of the chunks of the last prepared batch an executor solved, kept so
/// that solving the same batch again (the same object and generation: the Solver's cached
/// batch of a grid solved repeatedly) with the same chunks copies nothing on the host.
/// Blocks are kept from a batch's second solve on: the first solve of a batch stages its
/// chunks through the slots' few blocks, since pinning a block for every chunk (2.7 GB/s on
/// the H200's host) would cost a first solve more than its kernels (B1: 16.8 MB of inputs,
/// 6 ms), and a batch solved once never repays it.
struct staged_inputs {
  const void* batch = nullptr;
  std::uint64_t generation = 0;
  std::size_t value_bytes = 0;
  std::uint64_t solves = 0;  ///< solves of this batch begun, this one included
  std::uint64_t bytes = 0;  ///< held in `chunks`
  std::vector<staged_chunk> chunks;
};

/// release_cached() of every live executor (try_release_cached() with `at_exit`).
void release_executor_caches(bool at_exit);
/// Registers, once per process, the exit handler that calls release_cached_memory(true).
void register_exit_release();
}  // namespace detail

/// @brief Interference points for cubie's own tests (fault injection on a real GPU). Process-
/// wide; leave empty in production code.
struct test_hooks {
  /// Called once per solve between chunk planning and the first device allocation (e.g. to
  /// take most of the free memory, so that the allocation fails and the chunk shrinks).
  std::function<void()> after_planning;
  /// May change the launch geometry of every chunk's kernel (e.g. to an invalid one).
  std::function<void(unsigned& grid_x, unsigned& block_x)> before_launch;
};

/// @brief The process-wide hooks (empty unless a test sets them).
[[nodiscard]] test_hooks& cuda_test_hooks();

/// @brief The process-wide pinned host pool of CUDA device `device`: result storage and
/// staging come from it and go back to it, so steady-state solves touch no fresh pages.
/// Its cache bound is the largest memory_settings::pinned_pool_bytes asked for so far.
/// @throws cubie::invalid_argument when device < 0.
[[nodiscard]] memory::pinned_host_pool& shared_pinned_pool(int device, std::uint64_t bound_bytes);

/// @brief Gives back what cubie's CUDA side keeps for reuse: every live executor's cached
/// device memory (pool, async) and staged inputs, and the pinned pools' cached blocks. With
/// `at_exit`, the pinned pools also stop caching (blocks returned later are freed at once),
/// executors busy in a solve on another thread are skipped and errors are swallowed.
/// cubie::release_cached_memory() calls it; so does an exit handler registered when the first
/// executor is made (after the CUDA runtime's own, so it runs before the runtime tears down).
/// @throws cubie::device_error on CUDA errors (not with `at_exit`).
void release_cached_memory(bool at_exit);

/// @brief Integrates prepared batches on one CUDA device.
///
/// Construction registers with the device's memory_manager (mem_proportion), builds the
/// allocator stack (default / pool / async under a limiting adaptor whose limit is the
/// budget, measured by statistics adaptors) and joins the named stream group. execute():
/// - estimate: prepared_batch::bytes_per_run() per run; fixed bytes = the local memory the
///   driver reserves for resident threads (localSizeBytes x occupancy x SMs x block) plus
///   each slot's tables and alignment;
/// - available: min(proportion x total VRAM, free VRAM + what this solver holds or caches);
/// - chunks along the run axis (multiples of 32), cut further when the traffic is large
///   enough for pipelining to pay (pipelined_chunks; memory_settings::min_chunks = 1 turns
///   this off), at most memory_settings::max_chunk_runs runs each, and small enough that the
///   slots' pinned staging stays within memory_settings::pinned_pool_bytes;
/// - chunk sizes a whole number of waves of resident threads (occupancy x SMs x block size of
///   the kernel launched) where possible, so no chunk but the ragged last one ends in a
///   partly filled wave; the count balances the uncovered first upload and last download
///   against per-chunk costs (pipelining_policy);
/// - three streams (when this executor creates its stream group; a group that exists keeps
///   its count), so that while one chunk downloads the next kernel runs and the one after is
///   already queued behind it;
/// - per chunk on stream (chunk mod streams): one upload of tables and inputs from pinned
///   staging (kept across solves of the same prepared batch and chunks, within a quarter of
///   memory_settings::pinned_pool_bytes, so a repeated solve stages nothing on the host),
///   one kernel launch, downloads straight into the result when it is pinned
///   (cudaMemcpy2DAsync, the result's run stride differs from the chunk's), else through
///   pinned staging; CUDA events time each phase;
/// - chunks are committed to the sink in order as their downloads finish.
/// Not thread-safe for concurrent solves of one executor (they are serialised by a lock).
class cuda_executor final : public executor {
 public:
  /// @brief An executor on CUDA device `device` with `settings`.
  /// @throws cubie::invalid_argument for bad memory settings (proportion, allocator name);
  /// cubie::device_error when the device is not usable.
  explicit cuda_executor(const memory::memory_settings& settings, int device = 0);
  ~cuda_executor() override;
  cuda_executor(const cuda_executor&) = delete;
  cuda_executor& operator=(const cuda_executor&) = delete;

  [[nodiscard]] std::string name() const override { return "cuda"; }
  /// Loads the kernel of `key` (its properties are queried, which loads its module) and
  /// creates the events of every stream of the group.
  void warm_up(const compiled_system& system, const entry_key& key) override;
  /// @throws chunk_failure when a chunk fails (runs committed so far stay valid);
  /// cubie::out_of_memory, before any work, when not even one run fits the memory available;
  /// cubie::device_error after a sticky error lost the context (every later solve too).
  void execute(const prepared_batch<float>& batch, result_sink& sink, solve_statistics& stats) override;
  /// @throws as the float overload.
  void execute(const prepared_batch<double>& batch, result_sink& sink, solve_statistics& stats) override;
  /// One device's part of a solve shared through `queue` (multi_device_executor): the same
  /// plan, streams and staging as execute(), for queue.share_runs() runs, chunks taken from the
  /// queue; chunks not committed when a chunk fails go back to the queue.
  void execute_shared(const prepared_batch<float>& batch, chunk_queue& queue, result_sink& sink,
                      solve_statistics& stats) override;
  /// @throws as the float overload.
  void execute_shared(const prepared_batch<double>& batch, chunk_queue& queue, result_sink& sink,
                      solve_statistics& stats) override;
  /// False once a sticky error lost this device's context.
  [[nodiscard]] bool usable() const override;

  /// @brief The device solved on.
  [[nodiscard]] int device() const noexcept { return device_; }
  /// @brief The allocator stack (budget, statistics, cached memory).
  [[nodiscard]] memory::device_memory_stack& memory_stack() noexcept { return *stack_; }
  /// @brief The budget this solver has now: its proportion of the device's total memory.
  /// @throws cubie::device_error when the device cannot be queried.
  [[nodiscard]] std::uint64_t budget_bytes() const;
  /// @brief Solves finished on this executor (the first goes through pageable memory under
  /// the first_pageable host staging policy).
  [[nodiscard]] std::int64_t solves_done();
  /// @brief Whether the last solve moved its copies through pageable memory (the host
  /// staging policy, CUBIE_HOST_STAGING), instead of pinned staging.
  [[nodiscard]] bool last_solve_pageable();
  /// @brief Pinned bytes held by staged inputs kept for the next solve.
  [[nodiscard]] std::uint64_t staged_input_bytes();
  /// @brief Gives back the staged inputs and the device memory the allocator caches (pool,
  /// async). Waits for a solve in progress on another thread. The next solve starts afresh.
  /// @throws cubie::device_error on CUDA errors.
  void release_cached();
  /// @brief As release_cached, but returns false at once when a solve is in progress, and
  /// never throws (errors are cleared).
  bool try_release_cached() noexcept;

 private:
  template <class V>
  void run(const prepared_batch<V>& batch, result_sink& sink, solve_statistics& stats, chunk_queue* shared);
  const kernel_properties& properties_of(const gpu_kernel& kernel);
  void ensure_events(int slots);
  void release_cached_locked();
  void drop_staged_inputs() noexcept;

  int device_;
  memory::memory_settings settings_;
  std::string device_name_;
  std::uint64_t max_pitch_ = 0;
  memory::memory_manager::registration registration_;
  std::unique_ptr<memory::device_memory_stack> stack_;
  memory::stream_group_registry::membership streams_;
  memory::pinned_host_pool* pinned_ = nullptr;
  std::vector<detail::slot_events> events_;
  detail::staged_inputs staged_;
  std::map<const void*, std::unique_ptr<kernel_properties>> kernels_;
  memory::host_staging_policy staging_policy_;
  std::int64_t solves_done_ = 0;
  bool last_pageable_ = false;
  bool context_lost_ = false;
  std::string context_lost_reason_;
  mutable std::mutex mutex_;
};

}  // namespace cubie::cuda
