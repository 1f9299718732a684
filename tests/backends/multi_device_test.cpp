// One solve over several devices, on the host: fake devices (the CUDA backend's chunk
// pipeline with the CPU entry as the kernel) of different speeds share a Lorenz batch through
// the multi-device executor. Checked: results equal to the batch solved in one call, bit for
// bit; the destination's commits in run order; a faster device taking more; a device whose
// kernel faults, whose launch is refused, whose allocation fails once or always; a device lost
// for good; every device failing; the destination failing; a destination written in order
// (a file) behind held copies.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/execution/multi_device_executor.hpp"
#include "cubie/memory/failing_resource_adaptor.hpp"
#include "cubie/memory/host_resource.hpp"
#include "cubie/systems/lorenz.hpp"
#include "fake_devices.hpp"
#include "pipeline_fixture.hpp"

using namespace cubie;
using test::fake_device_options;
using test::fake_executor;
using test::host_result_sink;

namespace {

const compiled_system& lorenz_cpu() {
  static const auto sys = make_system<systems::lorenz, methods::method_list<methods::classical_rk4>, float, double>();
  return *sys;
}

// Not a multiple of 32, of a chunk or of the device count: ragged chunks everywhere.
constexpr std::int64_t n_runs = 4001;

template <class V>
test::host_result_sink<V> reference(const prepared_batch<V>& b) {
  test::host_result_sink<V> ref(b);
  test::solve_directly(b, ref);
  return ref;
}

template <class V>
void expect_equal_results(const host_result_sink<V>& got, const host_result_sink<V>& want, std::int64_t runs) {
  // Values are [save][variable][run] with run_stride n: compare the first `runs` of every row.
  const std::size_t rows = got.values.size() / static_cast<std::size_t>(got.n_);
  for (std::size_t r = 0; r < rows; ++r) {
    ASSERT_EQ(0, std::memcmp(got.values.data() + r * got.n_, want.values.data() + r * want.n_, runs * sizeof(V)))
        << "values differ in row " << r;
  }
  for (std::int64_t i = 0; i < runs; ++i) {
    ASSERT_EQ(got.status[i], want.status[i]) << "run " << i;
    ASSERT_EQ(got.accepted[i], want.accepted[i]) << "run " << i;
  }
}

// The destination saw its commits in run order, back to back, from 0 to `end`.
template <class V>
void expect_in_order(const host_result_sink<V>& sink, std::int64_t end) {
  std::int64_t at = 0;
  for (auto [b, e] : sink.commits) {
    ASSERT_EQ(b, at) << "commit out of order";
    at = e;
  }
  EXPECT_EQ(at, end);
}

/// Devices over host memory, one resource each; `resources` may replace one with an adaptor.
/// `slowness`: see test::pace (1 for every device when empty: they take turns).
struct rig {
  std::vector<std::unique_ptr<memory::host_resource>> hosts;
  std::unique_ptr<test::pace> pace;
  std::vector<fake_executor*> devices;

  std::unique_ptr<multi_device_executor> make(std::vector<fake_device_options> options,
                                              std::vector<memory::device_resource_ref> resources = {},
                                              std::vector<int> slowness = {}) {
    pace = std::make_unique<test::pace>(options.size());
    std::vector<multi_device_executor::device> list;
    for (std::size_t k = 0; k < options.size(); ++k) {
      options[k].index = static_cast<int>(k);
      if (k < slowness.size()) pace->set_slowness(static_cast<int>(k), slowness[k]);
      hosts.push_back(std::make_unique<memory::host_resource>());
      const memory::device_resource_ref r = k < resources.size() ? resources[k] : memory::device_resource_ref(*hosts.back());
      auto e = std::make_unique<fake_executor>(options[k], r, pace.get());
      devices.push_back(e.get());
      list.push_back({static_cast<int>(k), std::move(e)});
    }
    return std::make_unique<multi_device_executor>(std::move(list));
  }
};

std::vector<fake_device_options> equal_devices(int n, bool same_name = false) {
  std::vector<fake_device_options> o(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) o[static_cast<std::size_t>(k)].name = same_name ? "fake" : "fake " + std::to_string(k);
  return o;
}

std::int64_t total_runs(const solve_statistics& s) {
  std::int64_t t = 0;
  for (const device_statistics& d : s.devices) t += d.runs;
  return t;
}

}  // namespace

TEST(backends_multi_device, two_to_four_devices_equal_one_call_bit_for_bit) {
  for (int n_dev : {2, 3, 4}) {
    SCOPED_TRACE(n_dev);
    const auto batch = test::lorenz_rk4_batch<double>(lorenz_cpu(), n_runs);
    rig r;
    auto exec = r.make(equal_devices(n_dev));
    host_result_sink<double> sink(batch, 1 << 30, /*in_memory=*/true);
    solve_statistics stats;
    exec->execute(batch, sink, stats);
    expect_equal_results(sink, reference(batch), n_runs);
    expect_in_order(sink, n_runs);
    ASSERT_EQ(stats.devices.size(), static_cast<std::size_t>(n_dev));
    EXPECT_EQ(total_runs(stats), n_runs) << "every run integrated exactly once";
    EXPECT_EQ(std::accumulate(stats.chunk_runs.begin(), stats.chunk_runs.end(), std::int64_t{0}), n_runs);
    std::string names = "fake 0";
    for (int k = 1; k < n_dev; ++k) names += " + fake " + std::to_string(k);
    EXPECT_EQ(stats.device, names) << "different names are joined";
    for (const device_statistics& d : stats.devices) {
      EXPECT_TRUE(d.failure.empty()) << d.failure;
      EXPECT_EQ(d.runs_handed_back, 0);
      for (std::int64_t c : d.chunk_runs) EXPECT_LE(c, 96) << "no chunk above the device's plan";
    }
  }
}

TEST(backends_multi_device, float_batches_and_one_device_work_the_same) {
  const auto batch = test::lorenz_rk4_batch<float>(lorenz_cpu(), n_runs);
  for (int n_dev : {1, 2}) {
    rig r;
    auto exec = r.make(equal_devices(n_dev, /*same_name=*/true));
    host_result_sink<float> sink(batch, 1 << 30, true);
    solve_statistics stats;
    exec->execute(batch, sink, stats);
    expect_equal_results(sink, reference(batch), n_runs);
    expect_in_order(sink, n_runs);
    EXPECT_EQ(total_runs(stats), n_runs);
    EXPECT_EQ(stats.device, std::to_string(n_dev) + " x fake");
  }
}

TEST(backends_multi_device, a_faster_device_takes_more_runs) {
  // Paced by completions, not the clock: device 0 completes a chunk whenever it is ready,
  // device 1 once per two completions, device 2 once per four.
  const auto batch = test::lorenz_rk4_batch<double>(lorenz_cpu(), n_runs);
  rig r;
  auto options = equal_devices(3);
  for (auto& o : options) o.max_chunk_runs = 64;
  auto exec = r.make(options, {}, {1, 2, 4});
  host_result_sink<double> sink(batch, 1 << 30, true);
  solve_statistics stats;
  exec->execute(batch, sink, stats);
  expect_equal_results(sink, reference(batch), n_runs);
  expect_in_order(sink, n_runs);
  ASSERT_EQ(stats.devices.size(), 3u);
  const std::int64_t fast = stats.devices[0].runs, mid = stats.devices[1].runs, slow = stats.devices[2].runs;
  EXPECT_GT(slow, 0) << "the slowest device still takes part";
  EXPECT_GT(mid, slow);
  EXPECT_GT(fast, mid + slow) << "fast " << fast << ", mid " << mid << ", slow " << slow;
  EXPECT_EQ(fast + mid + slow, n_runs);
}

TEST(backends_multi_device, chunks_shrink_towards_the_end_so_devices_finish_together) {
  // Two devices of equal speed: the last chunks are smaller than the first, and neither
  // device is left with much more than the other.
  const auto batch = test::lorenz_rk4_batch<float>(lorenz_cpu(), n_runs);
  rig r;
  auto options = equal_devices(2);
  for (auto& o : options) o.max_chunk_runs = 512;
  auto exec = r.make(options);
  host_result_sink<float> sink(batch, 1 << 30, true);
  solve_statistics stats;
  exec->execute(batch, sink, stats);
  ASSERT_GE(stats.chunk_runs.size(), 4u);
  EXPECT_EQ(stats.chunk_runs.front(), 512);
  EXPECT_LT(stats.chunk_runs.back(), 512) << "guided: the tail is cut finer";
  expect_equal_results(sink, reference(batch), n_runs);
}

TEST(backends_multi_device, a_kernel_fault_on_one_device_moves_its_chunks_to_the_others) {
  for (bool sticky : {false, true}) {
    SCOPED_TRACE(sticky ? "sticky" : "not sticky");
    const auto batch = test::lorenz_rk4_batch<double>(lorenz_cpu(), n_runs);
    rig r;
    auto options = equal_devices(3);
    options[1].fail_complete_at = 3;
    options[1].sticky = sticky;
    auto exec = r.make(options);
    host_result_sink<double> sink(batch, 1 << 30, true);
    solve_statistics stats;
    exec->execute(batch, sink, stats);  // completes: the others redo device 1's chunks
    expect_equal_results(sink, reference(batch), n_runs);
    expect_in_order(sink, n_runs);
    EXPECT_EQ(total_runs(stats), n_runs);
    const device_statistics& bad = stats.devices[1];
    EXPECT_NE(bad.failure.find("injected kernel fault on fake 1"), std::string::npos) << bad.failure;
    EXPECT_EQ(bad.chunks, 2) << "two chunks committed before the fault";
    EXPECT_GT(bad.runs_handed_back, 0) << "the faulted chunk (and any behind it) went back";
    EXPECT_EQ(bad.lost, sticky);
    EXPECT_TRUE(stats.devices[0].failure.empty());
    EXPECT_EQ(exec->usable(), true);

    // The next solve: a device lost for good sits it out and says why; one that is not takes part.
    host_result_sink<double> again(batch, 1 << 30, true);
    solve_statistics stats2;
    const int solves_before = r.devices[1]->solves.load();
    exec->execute(batch, again, stats2);
    expect_equal_results(again, reference(batch), n_runs);
    ASSERT_EQ(stats2.devices.size(), 3u);
    if (sticky) {
      EXPECT_EQ(r.devices[1]->solves.load(), solves_before) << "a lost device is not asked again";
      EXPECT_TRUE(stats2.devices[1].lost);
      EXPECT_NE(stats2.devices[1].failure.find("lost in an earlier solve"), std::string::npos);
      EXPECT_EQ(stats2.devices[1].runs, 0);
    } else {
      EXPECT_EQ(r.devices[1]->solves.load(), solves_before + 1);
    }
  }
}

TEST(backends_multi_device, a_refused_launch_keeps_the_chunks_before_it) {
  const auto batch = test::lorenz_rk4_batch<float>(lorenz_cpu(), n_runs);
  rig r;
  auto options = equal_devices(2);
  options[0].fail_enqueue_at = 4;
  auto exec = r.make(options);
  host_result_sink<float> sink(batch, 1 << 30, true);
  solve_statistics stats;
  exec->execute(batch, sink, stats);
  expect_equal_results(sink, reference(batch), n_runs);
  EXPECT_EQ(stats.devices[0].chunks, 3) << "the three queued before the refused launch are committed";
  EXPECT_NE(stats.devices[0].failure.find("injected launch error"), std::string::npos);
  EXPECT_FALSE(stats.devices[0].lost);
}

TEST(backends_multi_device, an_allocation_failure_shrinks_that_devices_chunks) {
  const auto batch = test::lorenz_rk4_batch<double>(lorenz_cpu(), n_runs);
  memory::host_resource host;
  memory::failing_resource_adaptor failing{memory::device_resource_ref(host), 2};
  rig r;
  auto options = equal_devices(2);
  for (auto& o : options) o.max_chunk_runs = 256;
  auto exec = r.make(options, {memory::device_resource_ref(host), memory::device_resource_ref(failing)});
  host_result_sink<double> sink(batch, 1 << 30, true);
  solve_statistics stats;
  exec->execute(batch, sink, stats);
  expect_equal_results(sink, reference(batch), n_runs);
  expect_in_order(sink, n_runs);
  EXPECT_EQ(failing.failures(), 1u);
  EXPECT_EQ(stats.devices[1].allocation_retries, 1);
  EXPECT_EQ(stats.allocation_retries, 1);
  EXPECT_TRUE(stats.devices[1].failure.empty()) << "a shrink is not a failure";
  for (std::size_t c = 1; c < stats.devices[1].chunk_runs.size(); ++c)
    EXPECT_LE(stats.devices[1].chunk_runs[c], 128) << "after the shrink: half the size";
}

TEST(backends_multi_device, a_device_with_no_memory_at_all_leaves_its_runs_to_the_others) {
  const auto batch = test::lorenz_rk4_batch<double>(lorenz_cpu(), n_runs);
  memory::host_resource host;
  memory::failing_resource_adaptor never{memory::device_resource_ref(host), 1, memory::failure_mode::from_then_on};
  rig r;
  auto exec = r.make(equal_devices(3), {memory::device_resource_ref(host), memory::device_resource_ref(never)});
  host_result_sink<double> sink(batch, 1 << 30, true);
  solve_statistics stats;
  exec->execute(batch, sink, stats);
  expect_equal_results(sink, reference(batch), n_runs);
  EXPECT_EQ(stats.devices[1].runs, 0);
  EXPECT_NE(stats.devices[1].failure.find("out of device memory"), std::string::npos) << stats.devices[1].failure;
  EXPECT_GT(stats.devices[1].allocation_retries, 0) << "it halved its chunks down to one run first";
  EXPECT_EQ(stats.devices[0].runs + stats.devices[2].runs, n_runs);
}

TEST(backends_multi_device, every_device_failing_reports_each_and_keeps_the_runs_in_order) {
  const auto batch = test::lorenz_rk4_batch<double>(lorenz_cpu(), n_runs);
  rig r;
  auto options = equal_devices(2);
  options[0].fail_complete_at = 3;
  options[1].fail_complete_at = 4;
  auto exec = r.make(options);
  host_result_sink<double> sink(batch, 1 << 30, true);
  solve_statistics stats;
  try {
    exec->execute(batch, sink, stats);
    FAIL() << "expected chunk_failure";
  } catch (const chunk_failure& f) {
    const std::string m = f.what();
    EXPECT_NE(m.find("every device failed"), std::string::npos) << m;
    EXPECT_NE(m.find("fake 0: "), std::string::npos) << m;
    EXPECT_NE(m.find("fake 1: "), std::string::npos) << m;
    EXPECT_NE(m.find("never integrated"), std::string::npos) << m;
    EXPECT_FALSE(f.sticky());
    // What the destination has is a prefix in order, and it is right.
    std::int64_t at = 0;
    for (auto [b, e] : sink.commits) {
      ASSERT_EQ(b, at);
      at = e;
    }
    EXPECT_EQ(f.committed_runs(), at);
    EXPECT_GT(at, 0);
    EXPECT_LT(at, n_runs);
    expect_equal_results(sink, reference(batch), at);
  }
  ASSERT_EQ(stats.devices.size(), 2u);
  EXPECT_FALSE(stats.devices[0].failure.empty());
  EXPECT_FALSE(stats.devices[1].failure.empty());
}

namespace {

class destination_failed : public std::runtime_error {
 public:
  destination_failed() : std::runtime_error("disk full") {}
};

/// A result in memory whose k-th commit throws (a stop request, say).
template <class V>
class failing_sink final : public result_sink {
 public:
  failing_sink(const prepared_batch<V>& b, int fail_at) : inner(b, 1 << 30, true), fail_at_(fail_at) {}
  output_view view(i64 b, i64 e) override { return inner.view(b, e); }
  void commit(i64 b, i64 e) override {
    if (++commits_ == fail_at_) throw destination_failed();
    inner.commit(b, e);
  }
  [[nodiscard]] bool whole_result_in_memory() const override { return true; }
  host_result_sink<V> inner;

 private:
  int fail_at_;
  int commits_ = 0;
};

/// A destination written in order that takes the devices' buffers, like the HDF5 writer.
template <class V>
class in_order_writer final : public result_sink {
 public:
  explicit in_order_writer(const prepared_batch<V>& b) : inner(b) {}
  output_view view(i64, i64) override { throw std::logic_error("in_order_writer takes buffers"); }
  void commit(i64, i64) override { throw std::logic_error("in_order_writer takes buffers"); }
  [[nodiscard]] bool takes_buffers() const override { return true; }
  void deliver(i64 b, i64 e, const output_view& data) override {
    if (b != next) throw std::logic_error("delivered out of order");
    const output_view to = inner.view(b, e);
    const std::int64_t n = e - b;
    const std::int64_t rows = static_cast<std::int64_t>(inner.values.size()) / inner.n_;
    for (std::int64_t r = 0; r < rows; ++r)
      std::memcpy(to.array<V>(output_id::time_domain) + r * to.run_stride,
                  data.array<V>(output_id::time_domain) + r * data.run_stride, n * sizeof(V));
    for (output_id id : {output_id::status, output_id::steps_accepted, output_id::steps_rejected})
      std::memcpy(to.array<u32>(id), data.array<u32>(id), n * sizeof(u32));
    inner.commit(b, e);
    next = e;
  }
  host_result_sink<V> inner;
  std::int64_t next = 0;
};

}  // namespace

TEST(backends_multi_device, a_failing_destination_stops_every_device_with_its_own_error) {
  const auto batch = test::lorenz_rk4_batch<float>(lorenz_cpu(), n_runs);
  rig r;
  auto exec = r.make(equal_devices(3));
  failing_sink<float> sink(batch, 5);
  solve_statistics stats;
  EXPECT_THROW(exec->execute(batch, sink, stats), destination_failed);
  EXPECT_EQ(sink.inner.commits.size(), 4u) << "the four commits before it stand";
  EXPECT_LT(total_runs(stats), n_runs) << "the devices stopped";
  // The devices are fine: the next solve completes.
  host_result_sink<float> again(batch, 1 << 30, true);
  solve_statistics stats2;
  exec->execute(batch, again, stats2);
  expect_equal_results(again, reference(batch), n_runs);
}

TEST(backends_multi_device, a_destination_written_in_order_gets_every_chunk_in_order) {
  // Taking buffers (the HDF5 writer's way) and taking views then commits: early chunks are
  // held and handed over in their turn.
  const auto batch = test::lorenz_rk4_batch<double>(lorenz_cpu(), n_runs);
  {
    rig r;
    auto exec = r.make(equal_devices(3), {}, {1, 1, 3});
    in_order_writer<double> writer(batch);
    solve_statistics stats;
    exec->execute(batch, writer, stats);
    EXPECT_EQ(writer.next, n_runs);
    expect_equal_results(writer.inner, reference(batch), n_runs);
    expect_in_order(writer.inner, n_runs);
  }
  {
    rig r;
    auto exec = r.make(equal_devices(2));
    host_result_sink<double> file_like(batch, 1, /*in_memory=*/false);  // one view at a time
    solve_statistics stats;
    exec->execute(batch, file_like, stats);
    expect_equal_results(file_like, reference(batch), n_runs);
    expect_in_order(file_like, n_runs);
    EXPECT_EQ(file_like.max_outstanding, 1);
  }
}

TEST(backends_multi_device, a_device_failing_while_writing_in_order_leaves_no_gap) {
  const auto batch = test::lorenz_rk4_batch<double>(lorenz_cpu(), n_runs);
  rig r;
  auto options = equal_devices(3);
  options[0].fail_complete_at = 2;
  options[0].sticky = true;
  auto exec = r.make(options);
  in_order_writer<double> writer(batch);
  solve_statistics stats;
  exec->execute(batch, writer, stats);
  EXPECT_EQ(writer.next, n_runs);
  expect_equal_results(writer.inner, reference(batch), n_runs);
  EXPECT_TRUE(stats.devices[0].lost);
}

TEST(backends_multi_device, bad_device_lists_are_refused) {
  std::vector<multi_device_executor::device> none;
  EXPECT_THROW(multi_device_executor{std::move(none)}, invalid_argument);
  memory::host_resource host;
  std::vector<multi_device_executor::device> twice;
  twice.push_back({0, std::make_unique<fake_executor>(fake_device_options{}, memory::device_resource_ref(host))});
  twice.push_back({0, std::make_unique<fake_executor>(fake_device_options{}, memory::device_resource_ref(host))});
  try {
    multi_device_executor e{std::move(twice)};
    FAIL();
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("device 0 is given twice"), std::string::npos) << e.what();
  }
}
