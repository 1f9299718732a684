// The CUDA backend's chunk pipeline on the host: a fake device (host memory, the CPU entry
// as the "kernel") runs the same planning, slot reuse, in-order commits, shrink-and-retry and
// error paths as the GPU, so CI checks them without a GPU. Also the chunk layout and the
// pipelining policy.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "cubie/backends/cuda/chunk_layout.hpp"
#include "cubie/backends/cuda/chunk_pipeline.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/core/error.hpp"
#include "cubie/memory/failing_resource_adaptor.hpp"
#include "cubie/memory/host_resource.hpp"
#include "cubie/memory/statistics_resource_adaptor.hpp"
#include "cubie/systems/lorenz.hpp"
#include "pipeline_fixture.hpp"

using namespace cubie;
using cubie::cuda::chunk_layout;
using cubie::cuda::pipeline_config;
using cubie::cuda::pipeline_report;
using cubie::cuda::run_chunk_pipeline;

namespace {

const compiled_system& lorenz_cpu() {
  static const auto sys = make_system<systems::lorenz, methods::method_list<methods::classical_rk4>, float, double>();
  return *sys;
}

/// A "device" in host memory. enqueue stages the chunk exactly as the CUDA device does (into
/// the slot buffer itself), runs the CPU entry on the chunk layout's batch_args and keeps the
/// chunk pending; complete copies its outputs into the view, as a download would.
template <class V>
class fake_device {
 public:
  explicit fake_device(const prepared_batch<V>& b) : batch_(b) {}

  [[nodiscard]] std::size_t slot_bytes(std::int64_t runs) const { return chunk_layout<V>(batch_, runs).total_bytes(); }
  [[nodiscard]] memory::stream_view stream(int /*slot*/) const { return memory::stream_view::default_stream(); }

  void enqueue(int slot, void* buffer, const memory::chunk_range& chunk, const output_view& /*view*/) {
    ++enqueued;
    if (fail_enqueue_at == enqueued) throw device_error("injected launch error (cudaErrorInvalidConfiguration)", false);
    EXPECT_TRUE(busy_.insert(slot).second) << "slot " << slot << " reused before its chunk completed";
    max_busy = std::max(max_busy, static_cast<int>(busy_.size()));
    const chunk_layout<V> layout(batch_, chunk.size());
    EXPECT_LE(layout.total_bytes(), slot_bytes_of_capacity(buffer));
    layout.stage(batch_, chunk, buffer, [](void* d, const void* s, std::size_t n) { std::memcpy(d, s, n); });
    const batch_args<V> a = layout.args(batch_, buffer);
    batch_.cpu(&a, 0, chunk.size());
    buffers_[slot] = buffer;
  }

  void complete(int slot, const memory::chunk_range& chunk, const output_view& view) {
    ++completed;
    if (fail_complete_at == completed) throw device_error("injected kernel fault (cudaErrorIllegalAddress)", sticky);
    busy_.erase(slot);
    const chunk_layout<V> layout(batch_, chunk.size());
    const char* base = static_cast<const char*>(buffers_[slot]);
    const std::int64_t n = chunk.size();
    // Each array's rows (n runs each, dense in the buffer) into the view's rows.
    for (const output_array& arr : batch_.outputs.arrays) {
      const std::size_t eb = arr.element_bytes(batch_.outputs.precision);
      for (std::int64_t row = 0; row < arr.values_per_run(); ++row)
        std::memcpy(static_cast<char*>(view.data[static_cast<int>(arr.id)]) + row * view.run_stride * eb,
                    base + layout.array_offset(arr.id) + row * n * eb, static_cast<std::size_t>(n) * eb);
    }
  }

  void drain() noexcept { ++drains; }

  // Allocation sizes seen, so enqueue can check that a chunk fits its slot.
  std::map<void*, std::size_t>* sizes = nullptr;
  int enqueued = 0, completed = 0, drains = 0, max_busy = 0;
  int fail_enqueue_at = 0, fail_complete_at = 0;
  bool sticky = false;

 private:
  std::size_t slot_bytes_of_capacity(void* buffer) const {
    return sizes != nullptr && sizes->count(buffer) ? sizes->at(buffer) : std::size_t{1} << 62;
  }
  const prepared_batch<V>& batch_;
  std::set<int> busy_;
  std::map<int, void*> buffers_;
};

static_assert(cuda::chunk_device<fake_device<float>>);

/// Host memory that remembers the size of each live allocation.
class sized_host_resource {
 public:
  explicit sized_host_resource(std::map<void*, std::size_t>& sizes) : sizes_(&sizes) {}
  void* allocate(std::size_t bytes, memory::stream_view s) {
    void* p = host_.allocate(bytes, s);
    (*sizes_)[p] = bytes;
    return p;
  }
  void deallocate(void* p, std::size_t bytes, memory::stream_view s) noexcept {
    sizes_->erase(p);
    host_.deallocate(p, bytes, s);
  }
  void* allocate_sync(std::size_t bytes) { return allocate(bytes, memory::stream_view::default_stream()); }
  void deallocate_sync(void* p, std::size_t bytes) noexcept { deallocate(p, bytes, memory::stream_view::default_stream()); }
  friend bool operator==(const sized_host_resource&, const sized_host_resource&) noexcept { return true; }

 private:
  memory::host_resource host_;
  std::map<void*, std::size_t>* sizes_;
};
static_assert(memory::device_resource<sized_host_resource>);

template <class V>
struct harness {
  explicit harness(std::int64_t n) : batch(test::lorenz_rk4_batch<V>(lorenz_cpu(), n)), device(batch) {
    device.sizes = &sizes;
    config.n_runs = n;
    config.estimate.bytes_per_run = batch.bytes_per_run();
    config.estimate.fixed_bytes = 2 * chunk_layout<V>::overhead_bound(batch);
    config.available_bytes = std::uint64_t{1} << 40;
    config.options.align = 32;
    config.options.min_chunks = 1;
    config.options.in_flight = 2;
  }
  prepared_batch<V> batch;
  fake_device<V> device;
  std::map<void*, std::size_t> sizes;
  sized_host_resource host{sizes};
  pipeline_config config;
  pipeline_report report;
};

/// Passes requests of at most `limit` bytes by disarming the failing adaptor under it: memory
/// that only chunks of a certain size fit.
struct disarming_gate {
  memory::failing_resource_adaptor* f;
  std::size_t limit;
  void* allocate(std::size_t bytes, memory::stream_view s) {
    if (bytes <= limit) f->disarm();
    return f->allocate(bytes, s);
  }
  void deallocate(void* p, std::size_t b, memory::stream_view s) noexcept { f->deallocate(p, b, s); }
  void* allocate_sync(std::size_t b) { return allocate(b, memory::stream_view::default_stream()); }
  void deallocate_sync(void* p, std::size_t b) noexcept { deallocate(p, b, memory::stream_view::default_stream()); }
  friend bool operator==(const disarming_gate&, const disarming_gate&) noexcept { return true; }
};

template <class V>
void expect_equal_results(const test::host_result_sink<V>& a, const test::host_result_sink<V>& b) {
  ASSERT_EQ(a.values.size(), b.values.size());
  EXPECT_EQ(0, std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(V))) << "time-domain values differ";
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.accepted, b.accepted);
  EXPECT_EQ(a.rejected, b.rejected);
}

template <class V>
test::host_result_sink<V> reference(const prepared_batch<V>& b) {
  test::host_result_sink<V> ref(b);
  test::solve_directly(b, ref);
  return ref;
}

// N = 1000: not a multiple of 32 nor of the SIMD width, so the last chunk is ragged.
constexpr std::int64_t n_runs = 1000;

/// fake_device queuing each chunk in two steps (launch, download), logging every step, and a
/// sink logging its views into the same log: the pipeline must ask for a chunk's view between
/// its launch and its download.
template <class V>
class split_fake_device : public fake_device<V> {
 public:
  split_fake_device(const prepared_batch<V>& b, std::vector<std::string>& log) : fake_device<V>(b), log_(log) {}
  void launch(int slot, void* buffer, const memory::chunk_range& chunk) {
    log_.push_back("launch " + std::to_string(chunk.begin));
    this->enqueue(slot, buffer, chunk, output_view{});  // the fake writes the view at completion
  }
  void download(int /*slot*/, void* /*buffer*/, const memory::chunk_range& chunk, const output_view& /*view*/) {
    log_.push_back("download " + std::to_string(chunk.begin));
  }

 private:
  std::vector<std::string>& log_;
};
static_assert(cuda::split_chunk_device<split_fake_device<float>>);

template <class V>
class logging_sink final : public result_sink {
 public:
  logging_sink(test::host_result_sink<V>& inner, std::vector<std::string>& log) : inner_(inner), log_(log) {}
  output_view view(i64 begin, i64 end) override {
    log_.push_back("view " + std::to_string(begin));
    return inner_.view(begin, end);
  }
  void commit(i64 begin, i64 end) override { inner_.commit(begin, end); }
  [[nodiscard]] int max_in_flight() const override { return inner_.max_in_flight(); }

 private:
  test::host_result_sink<V>& inner_;
  std::vector<std::string>& log_;
};

}  // namespace

TEST(backends_chunk_pipeline, a_split_device_gets_each_view_between_launch_and_download) {
  harness<float> h(n_runs);
  h.config.options.max_chunk_runs = 256;
  std::vector<std::string> log;
  split_fake_device<float> device(h.batch, log);
  device.sizes = &h.sizes;
  test::host_result_sink<float> inner(h.batch);
  logging_sink<float> sink(inner, log);
  run_chunk_pipeline(device, memory::device_resource_ref(h.host), h.config, sink, h.report);
  expect_equal_results(inner, reference(h.batch));
  ASSERT_EQ(h.report.chunk_runs.size(), 4u);
  std::int64_t begin = 0;
  std::vector<std::string> expected;
  for (std::int64_t runs : h.report.chunk_runs) {
    for (const char* step : {"launch ", "view ", "download "}) expected.push_back(step + std::to_string(begin));
    begin += runs;
  }
  EXPECT_EQ(log, expected);
}

TEST(backends_chunk_pipeline, one_chunk_equals_direct_solve) {
  harness<float> h(n_runs);
  test::host_result_sink<float> sink(h.batch);
  run_chunk_pipeline(h.device, memory::device_resource_ref(h.host), h.config, sink, h.report);
  expect_equal_results(sink, reference(h.batch));
  EXPECT_EQ(h.report.chunk_runs, std::vector<std::int64_t>{n_runs});
  EXPECT_EQ(h.report.allocation_retries, 0);
  EXPECT_TRUE(h.sizes.empty()) << "slots must be freed after the solve";
}

TEST(backends_chunk_pipeline, forced_chunks_are_bit_identical_and_committed_in_order) {
  for (std::int64_t cap : {96, 100, 333}) {
    harness<double> h(n_runs);
    h.config.options.max_chunk_runs = cap;
    test::host_result_sink<double> sink(h.batch);
    run_chunk_pipeline(h.device, memory::device_resource_ref(h.host), h.config, sink, h.report);
    expect_equal_results(sink, reference(h.batch));
    ASSERT_GE(sink.commits.size(), 3u) << cap;
    std::int64_t expect_begin = 0;
    for (auto [b, e] : sink.commits) {
      EXPECT_EQ(b, expect_begin);
      expect_begin = e;
    }
    EXPECT_EQ(expect_begin, n_runs);
    const std::int64_t size = h.report.chunk_runs.front();
    EXPECT_EQ(size % 32, 0) << "chunks are multiples of the warp size";
    EXPECT_LE(size, cap);
    EXPECT_NE(h.report.chunk_runs.back(), size) << "the last chunk is ragged";
    EXPECT_EQ(h.report.slots, 2);
    EXPECT_EQ(h.device.max_busy, 2) << "two chunks in flight over two slots";
    EXPECT_TRUE(h.sizes.empty());
  }
}

TEST(backends_chunk_pipeline, slots_are_reused_not_reallocated_per_chunk) {
  harness<float> h(n_runs);
  h.config.options.max_chunk_runs = 64;
  memory::statistics_resource_adaptor stats{memory::device_resource_ref(h.host)};
  test::host_result_sink<float> sink(h.batch);
  run_chunk_pipeline(h.device, memory::device_resource_ref(stats), h.config, sink, h.report);
  EXPECT_EQ(h.report.chunk_runs.size(), 16u);
  EXPECT_EQ(stats.allocation_calls(), 2) << "one buffer per slot for the whole solve";
  EXPECT_EQ(stats.current_bytes(), 0);
}

TEST(backends_chunk_pipeline, sink_in_flight_limit_is_respected) {
  harness<float> h(n_runs);
  h.config.options.max_chunk_runs = 128;
  test::host_result_sink<float> sink(h.batch, /*max_in_flight=*/1);
  run_chunk_pipeline(h.device, memory::device_resource_ref(h.host), h.config, sink, h.report);
  EXPECT_EQ(sink.max_outstanding, 1);
  EXPECT_EQ(h.report.slots, 1);
  expect_equal_results(sink, reference(h.batch));
}

TEST(backends_chunk_pipeline, failed_allocation_shrinks_the_chunk_and_keeps_finished_chunks) {
  harness<float> h(n_runs);
  h.config.options.max_chunk_runs = 256;
  // Allocations 1 and 2 are the two slots of 256 runs; the third happens after the shrink.
  // Fail the second: chunk 0 is in flight, chunk 1 cannot get its slot.
  memory::failing_resource_adaptor failing{memory::device_resource_ref(h.host), 2};
  test::host_result_sink<float> sink(h.batch);
  run_chunk_pipeline(h.device, memory::device_resource_ref(failing), h.config, sink, h.report);
  EXPECT_EQ(failing.failures(), 1u);
  EXPECT_EQ(h.report.allocation_retries, 1);
  ASSERT_GE(h.report.chunk_runs.size(), 2u);
  EXPECT_EQ(h.report.chunk_runs[0], 256) << "the chunk finished before the failure is kept";
  EXPECT_EQ(h.report.chunk_runs[1], 128) << "the rest runs at half the size";
  expect_equal_results(sink, reference(h.batch));
  EXPECT_TRUE(h.sizes.empty());
}

TEST(backends_chunk_pipeline, repeated_failures_shrink_until_it_fits) {
  harness<double> h(n_runs);
  h.config.options.max_chunk_runs = 512;
  // Every allocation fails until one small enough for chunks of <= 100 runs is asked for.
  memory::failing_resource_adaptor failing{memory::device_resource_ref(h.host), 1, memory::failure_mode::from_then_on};
  disarming_gate g{&failing, chunk_layout<double>(h.batch, 100).total_bytes()};
  test::host_result_sink<double> sink(h.batch);
  run_chunk_pipeline(h.device, memory::device_resource_ref(g), h.config, sink, h.report);
  // 512 -> 256 -> 128 -> 64 (aligned halves), the first size under the gate.
  EXPECT_EQ(h.report.allocation_retries, 3);
  EXPECT_EQ(h.report.chunk_runs.front(), 64);
  expect_equal_results(sink, reference(h.batch));
}

TEST(backends_chunk_pipeline, allocation_failure_at_one_run_is_a_chunk_failure_with_the_bytes) {
  harness<float> h(64);
  memory::failing_resource_adaptor failing{memory::device_resource_ref(h.host), 1, memory::failure_mode::from_then_on};
  test::host_result_sink<float> sink(h.batch);
  try {
    run_chunk_pipeline(h.device, memory::device_resource_ref(failing), h.config, sink, h.report);
    FAIL() << "expected chunk_failure";
  } catch (const chunk_failure& f) {
    const std::string what = f.what();
    EXPECT_NE(what.find("chunk [0, 1) of 64 runs"), std::string::npos) << what;
    EXPECT_NE(what.find("bytes"), std::string::npos) << what;
    EXPECT_EQ(f.committed_runs(), 0);
    EXPECT_FALSE(f.sticky());
  }
  EXPECT_GE(h.report.allocation_retries, 5);  // 64 -> 32 -> 16 -> 8 -> 4 -> 2 -> 1
  EXPECT_TRUE(h.sizes.empty());
}

TEST(backends_chunk_pipeline, not_even_one_run_fits_is_reported_before_any_work) {
  harness<float> h(n_runs);
  h.config.available_bytes = h.config.estimate.fixed_bytes + h.batch.bytes_per_run() - 1;
  test::host_result_sink<float> sink(h.batch);
  try {
    run_chunk_pipeline(h.device, memory::device_resource_ref(h.host), h.config, sink, h.report);
    FAIL() << "expected out_of_memory";
  } catch (const out_of_memory& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(std::to_string(h.config.estimate.fixed_bytes + h.batch.bytes_per_run()) + " bytes"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find(std::to_string(h.config.available_bytes) + " bytes are available"), std::string::npos) << what;
  }
  EXPECT_EQ(h.device.enqueued, 0);
}

TEST(backends_chunk_pipeline, budget_is_never_exceeded) {
  harness<float> h(n_runs);
  // Room for about 150 runs in two slots: the planner must cut and both slots must fit.
  h.config.available_bytes = h.config.estimate.fixed_bytes + 150 * h.batch.bytes_per_run();
  memory::statistics_resource_adaptor stats{memory::device_resource_ref(h.host)};
  test::host_result_sink<float> sink(h.batch);
  run_chunk_pipeline(h.device, memory::device_resource_ref(stats), h.config, sink, h.report);
  EXPECT_LE(static_cast<std::uint64_t>(stats.peak_bytes()), h.config.available_bytes);
  EXPECT_GE(h.report.chunk_runs.size(), 3u);
  expect_equal_results(sink, reference(h.batch));
}

TEST(backends_chunk_pipeline, device_error_names_the_chunk_and_frees_everything) {
  for (bool sticky : {false, true}) {
    harness<float> h(n_runs);
    h.config.options.max_chunk_runs = 256;
    h.device.fail_complete_at = 2;
    h.device.sticky = sticky;
    test::host_result_sink<float> sink(h.batch);
    try {
      run_chunk_pipeline(h.device, memory::device_resource_ref(h.host), h.config, sink, h.report);
      FAIL() << "expected chunk_failure";
    } catch (const chunk_failure& f) {
      const std::string what = f.what();
      EXPECT_NE(what.find("chunk [256, 512) of 1000 runs"), std::string::npos) << what;
      EXPECT_NE(what.find("cudaErrorIllegalAddress"), std::string::npos) << what;
      EXPECT_EQ(f.committed_runs(), 256);
      EXPECT_EQ(f.sticky(), sticky);
    }
    EXPECT_EQ(h.device.drains, 1);
    EXPECT_TRUE(h.sizes.empty()) << "slots are freed on the error path";
  }
}

TEST(backends_chunk_pipeline, launch_error_names_the_chunk) {
  harness<float> h(n_runs);
  h.config.options.max_chunk_runs = 256;
  h.device.fail_enqueue_at = 3;
  test::host_result_sink<float> sink(h.batch);
  try {
    run_chunk_pipeline(h.device, memory::device_resource_ref(h.host), h.config, sink, h.report);
    FAIL() << "expected chunk_failure";
  } catch (const chunk_failure& f) {
    EXPECT_NE(std::string(f.what()).find("chunk [512, 768)"), std::string::npos) << f.what();
    // Chunk 0 was committed when slot 0 was needed again; chunk 1, queued before the failure,
    // is completed and kept too.
    EXPECT_EQ(f.committed_runs(), 512);
    EXPECT_FALSE(f.sticky());
  }
  EXPECT_TRUE(h.sizes.empty());
}

TEST(backends_chunk_layout, parts_are_aligned_and_bounded) {
  const auto b = test::lorenz_rk4_batch<float>(lorenz_cpu(), 777);
  for (std::int64_t runs : {1, 31, 32, 777, 100000}) {
    const chunk_layout<float> l(b, runs);
    for (const output_array& arr : b.outputs.arrays) EXPECT_EQ(l.array_offset(arr.id) % 256, 0u) << runs;
    EXPECT_EQ(l.outputs_offset(), l.array_offset(output_id::time_domain));
    EXPECT_LE(l.total_bytes(), runs * b.bytes_per_run() + chunk_layout<float>::overhead_bound(b)) << runs;
    EXPECT_EQ(l.returned_bytes(), static_cast<std::uint64_t>(runs) * (5 * 4 * 4 + 12));
  }
}

TEST(backends_pipelining_policy, chunk_counts_balance_the_exposed_ends_against_per_chunk_costs) {
  using cuda::pipelined_chunks;
  // The H200's rk4 Lorenz wave: 12 blocks of 128 threads on each of 132 SMs.
  constexpr std::int64_t wave = 12 * 132 * 128;
  // Little traffic: one chunk.
  EXPECT_EQ(pipelined_chunks(std::uint64_t{1} << 20, 65536, wave, 5, 2), 1);
  // B1, 4.2 M runs, 20 bytes each (1.5 ms on the link), 5 copies a chunk: sqrt(T / c) = 11
  // chunks of 1.8 waves, rounded to 2 waves: 11 chunks (the last one ragged).
  EXPECT_EQ(pipelined_chunks(4'194'304ull * 20, 4'194'304, wave, 5, 2), 11);
  // B1, 16.8 M runs: 22.5 chunks of 3.7 waves, rounded to 4: 21 chunks.
  EXPECT_EQ(pipelined_chunks(16'777'216ull * 20, 16'777'216, wave, 5, 2), 21);
  // B3 / B4, 5.1 GB in 303 rows a chunk: 26 chunks wanted, but no chunk under one wave.
  EXPECT_EQ(pipelined_chunks(4'194'304ull * 1220, 4'194'304, wave, 305, 2), 20);
  // Large traffic but fewer than two waves of runs: cutting gains nothing.
  EXPECT_EQ(pipelined_chunks(std::uint64_t{1} << 30, 300'000, wave, 305, 2), 1);
  // min_chunks raises the count when the balance alone would give fewer...
  EXPECT_EQ(pipelined_chunks(std::uint64_t{100} << 20, 16'777'216, wave, 5, 16), 16);
  // ... and max_chunks bounds it.
  cuda::pipelining_policy few;
  few.max_chunks = 4;
  EXPECT_EQ(pipelined_chunks(16'777'216ull * 20, 16'777'216, wave, 5, 2, few), 4);
}

TEST(backends_pipelining_policy, with_the_planner_chunks_are_whole_waves) {
  constexpr std::int64_t wave = 12 * 132 * 128;
  for (const auto& [n, bytes, copies] : {std::tuple<std::int64_t, std::uint64_t, std::int64_t>{4'194'304, 20, 5},
                                         {16'777'216, 20, 5},
                                         {4'194'304, 1220, 305},
                                         {3'000'001, 1220, 305}}) {
    memory::chunk_options o;
    o.wave = wave;
    o.in_flight = 3;
    o.min_chunks = cuda::pipelined_chunks(static_cast<std::uint64_t>(n) * bytes, n, wave, copies, 2);
    const memory::chunk_plan p = memory::plan_chunks(n, {bytes, 0}, std::uint64_t{1} << 40, o);
    ASSERT_GE(p.size(), 2u) << n;
    EXPECT_EQ(p.chunk_runs % wave, 0) << n << ": " << p.chunk_runs;
    EXPECT_GE(static_cast<std::int64_t>(p.size()), o.min_chunks) << n;
    EXPECT_LE(p.chunks.back().size(), p.chunk_runs) << n;
  }
}
