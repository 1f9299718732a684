// tests/backends/fake_devices.hpp
// Devices in host memory for the multi-device tests: each runs the chunk pipeline of the CUDA
// backend (run_shared_chunk_pipeline) with the CPU entry as its "kernel", at a pace set
// relative to the others, and fails where told to: a chunk's kernel, a launch, an allocation.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cubie/backends/cuda/chunk_layout.hpp"
#include "cubie/backends/cuda/chunk_pipeline.hpp"
#include "cubie/core/error.hpp"
#include "cubie/execution/executor.hpp"
#include "cubie/memory/device_resource.hpp"

namespace cubie::test {

/// Sets the relative speed of fake devices by counting completions, not by the clock: device d
/// of slowness s_d makes its k-th completion at "time" k x s_d, and waits until no other
/// device taking part has an earlier completion due (ties go to the lower index). A device
/// that has not started yet holds the others up, so every device takes part; once nothing is
/// left to take, nobody waits. Deterministic however loaded the machine is.
class pace {
 public:
  explicit pace(std::size_t devices = 0) : slowness_(devices, 1), done_(devices, 0), active_(devices, true) {}

  void set_slowness(int device, int slowness) { slowness_.at(static_cast<std::size_t>(device)) = slowness; }
  void attach(const chunk_queue* queue) { queue_.store(queue); }
  /// A device starts a solve (counts from zero again).
  void join(int device) {
    std::lock_guard lock(mutex_);
    done_.at(static_cast<std::size_t>(device)) = 0;
    active_.at(static_cast<std::size_t>(device)) = true;
    changed_.notify_all();
  }
  /// A device is done with a solve (finished or failed): nobody waits for it.
  void leave(int device) {
    std::lock_guard lock(mutex_);
    active_.at(static_cast<std::size_t>(device)) = false;
    changed_.notify_all();
  }
  void before_completion(int device) {
    std::unique_lock lock(mutex_);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);  // a safety net only
    while (!my_turn(device) && std::chrono::steady_clock::now() < give_up)
      changed_.wait_for(lock, std::chrono::milliseconds(1));
  }
  void completed(int device) {
    std::lock_guard lock(mutex_);
    ++done_.at(static_cast<std::size_t>(device));
    changed_.notify_all();
  }

 private:
  bool my_turn(int d) const {
    const chunk_queue* queue = queue_.load();
    if (queue != nullptr && queue->all_taken()) return true;
    const auto due = [&](std::size_t e) { return (done_[e] + 1) * slowness_[e]; };
    const auto me = static_cast<std::size_t>(d);
    for (std::size_t e = 0; e < slowness_.size(); ++e) {
      if (e == me || !active_[e]) continue;
      if (due(e) < due(me) || (due(e) == due(me) && e < me)) return false;
    }
    return true;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::int64_t> slowness_, done_;
  std::vector<bool> active_;
  std::atomic<const chunk_queue*> queue_{nullptr};
};

struct fake_device_options {
  std::string name = "fake";
  int index = 0;                 ///< its place in the pace
  int fail_complete_at = 0;      ///< the k-th completion (1 = first) throws device_error; 0 = never
  int fail_enqueue_at = 0;       ///< the k-th enqueue throws a (non-sticky) device_error; 0 = never
  bool sticky = false;           ///< the completion's error loses the context
  std::int64_t max_chunk_runs = 96;
  std::int64_t in_flight = 2;
};

/// A chunk_device in host memory: enqueue stages the chunk into the slot buffer and runs the
/// CPU entry on the chunk layout's arguments; complete copies the outputs into the view.
template <class V>
class fake_device {
 public:
  fake_device(const prepared_batch<V>& b, const fake_device_options& o, pace* p) : batch_(b), options_(o), pace_(p) {}

  [[nodiscard]] std::size_t slot_bytes(std::int64_t runs) const { return cuda::chunk_layout<V>(batch_, runs).total_bytes(); }
  [[nodiscard]] memory::stream_view stream(int /*slot*/) const { return memory::stream_view::default_stream(); }

  void enqueue(int slot, void* buffer, const memory::chunk_range& chunk, const output_view& /*view*/) {
    ++enqueued;
    if (options_.fail_enqueue_at == enqueued) throw device_error("injected launch error on " + options_.name, false);
    const cuda::chunk_layout<V> layout(batch_, chunk.size());
    layout.stage(batch_, chunk, buffer, [](void* d, const void* s, std::size_t n) { std::memcpy(d, s, n); });
    const batch_args<V> a = layout.args(batch_, buffer);
    batch_.cpu(&a, 0, chunk.size());
    buffers_[slot] = buffer;
  }

  void complete(int slot, const memory::chunk_range& chunk, const output_view& view) {
    if (pace_ != nullptr) pace_->before_completion(options_.index);
    ++completed;
    if (options_.fail_complete_at == completed)
      throw device_error("injected kernel fault on " + options_.name, options_.sticky);
    const cuda::chunk_layout<V> layout(batch_, chunk.size());
    const char* base = static_cast<const char*>(buffers_[slot]);
    const std::int64_t n = chunk.size();
    for (const output_array& arr : batch_.outputs.arrays) {
      const std::size_t eb = arr.element_bytes(batch_.outputs.precision);
      for (std::int64_t row = 0; row < arr.values_per_run(); ++row)
        std::memcpy(static_cast<char*>(view.data[static_cast<int>(arr.id)]) + row * view.run_stride * eb,
                    base + layout.array_offset(arr.id) + row * n * eb, static_cast<std::size_t>(n) * eb);
    }
    if (pace_ != nullptr) pace_->completed(options_.index);
  }

  void drain() noexcept { ++drains; }

  int enqueued = 0, completed = 0, drains = 0;

 private:
  const prepared_batch<V>& batch_;
  fake_device_options options_;
  pace* pace_;
  std::map<int, void*> buffers_;
};

static_assert(cuda::chunk_device<fake_device<float>>);

/// An executor over one fake device, as cuda_executor is over one GPU: execute() runs the
/// one-device pipeline, execute_shared() its part of a shared solve. Its allocations come from
/// `resource` (a failing_resource_adaptor makes them fail).
class fake_executor final : public executor {
 public:
  fake_executor(fake_device_options o, memory::device_resource_ref resource, pace* p = nullptr)
      : options_(std::move(o)), resource_(resource), pace_(p) {}

  [[nodiscard]] std::string name() const override { return "fake"; }
  void execute(const prepared_batch<float>& b, result_sink& s, solve_statistics& st) override { run(b, nullptr, s, st); }
  void execute(const prepared_batch<double>& b, result_sink& s, solve_statistics& st) override { run(b, nullptr, s, st); }
  void execute_shared(const prepared_batch<float>& b, chunk_queue& q, result_sink& s, solve_statistics& st) override {
    run(b, &q, s, st);
  }
  void execute_shared(const prepared_batch<double>& b, chunk_queue& q, result_sink& s, solve_statistics& st) override {
    run(b, &q, s, st);
  }
  [[nodiscard]] bool usable() const override { return !lost_; }

  std::atomic<int> solves{0};

 private:
  template <class V>
  void run(const prepared_batch<V>& batch, chunk_queue* queue, result_sink& sink, solve_statistics& stats) {
    ++solves;
    if (lost_) throw device_error(options_.name + ": context lost by an earlier solve", true);
    // Paced only when sharing a solve: alone, nobody to keep pace with.
    pace* p = queue != nullptr ? pace_ : nullptr;
    if (p != nullptr) {
      p->attach(queue);
      p->join(options_.index);
    }
    struct leaving {
      pace* p;
      int index;
      ~leaving() {
        if (p != nullptr) p->leave(index);
      }
    } leave_on_exit{p, options_.index};
    fake_device<V> device(batch, options_, p);
    cuda::pipeline_config config;
    config.n_runs = queue != nullptr ? queue->share_runs() : batch.n_runs;
    config.estimate.bytes_per_run = batch.bytes_per_run();
    config.estimate.fixed_bytes = 2 * cuda::chunk_layout<V>::overhead_bound(batch);
    config.available_bytes = std::uint64_t{1} << 40;
    config.options.align = 32;
    config.options.min_chunks = 1;
    config.options.in_flight = options_.in_flight;
    config.options.max_chunk_runs = options_.max_chunk_runs;
    config.backend_name = options_.name;
    cuda::pipeline_report report;
    stats.backend = "fake";
    stats.device = options_.name;
    auto record = [&] {
      stats.chunks = static_cast<std::int64_t>(report.chunk_runs.size());
      stats.chunk_runs = report.chunk_runs;
      stats.streams = report.slots;
      stats.allocation_retries = report.allocation_retries;
    };
    try {
      if (queue != nullptr) cuda::run_shared_chunk_pipeline(device, resource_, config, *queue, sink, report);
      else cuda::run_chunk_pipeline(device, resource_, config, sink, report);
    } catch (const chunk_failure& f) {
      record();
      if (f.sticky()) lost_ = true;
      throw;
    } catch (...) {
      record();
      throw;
    }
    record();
  }

  fake_device_options options_;
  memory::device_resource_ref resource_;
  pace* pace_;
  bool lost_ = false;
};

}  // namespace cubie::test
