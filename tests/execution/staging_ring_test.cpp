// tests/execution/staging_ring_test.cpp
// The staging ring between an executor and a slow or pageable destination: chunks reach
// the destination whole and in order, through view+commit or deliver(); the ring holds at
// most `slots` chunk buffers however many chunks pass; a destination that fails stops the
// executor at its next call, with every chunk before the failure delivered.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cubie/core/error.hpp"
#include "cubie/execution/staging_ring.hpp"

namespace {

using namespace cubie;

/// A layout of a time domain of 3 x 2 values per run (float), status and one double per run.
output_layout small_layout(i64 n_runs) {
  output_layout l;
  l.precision = precision::float32;
  l.n_runs = n_runs;
  l.arrays = {{output_id::time_domain, "time_domain", "", element_type::value,
               {output_axis{"time", 3, {0, 1, 2}, {}, true}, output_axis{"variable", 2, {}, {"a", "b"}, false}},
               true, std::numeric_limits<double>::quiet_NaN()},
              {output_id::status, "status", "", element_type::uint32, {}, false, 1024.0},
              {output_id::t_reached, "t_reached", "", element_type::float64, {}, false, 0.0}};
  return l;
}

/// A destination holding the whole result in plain vectors, optionally slow, optionally
/// taking buffers, optionally failing at a chunk.
class recording_sink final : public result_sink {
 public:
  recording_sink(i64 n, bool takes, int fail_at_chunk = -1, int delay_ms = 0)
      : n_(n), takes_(takes), fail_at_(fail_at_chunk), delay_ms_(delay_ms), values(static_cast<std::size_t>(6 * n), -1.f),
        status(static_cast<std::size_t>(n), 0xdead), t(static_cast<std::size_t>(n), -1.0) {}

  output_view view(i64 begin, i64 /*end*/) override {
    output_view v;
    v.data[static_cast<int>(output_id::time_domain)] = values.data() + begin;
    v.data[static_cast<int>(output_id::status)] = status.data() + begin;
    v.data[static_cast<int>(output_id::t_reached)] = t.data() + begin;
    v.run_stride = n_;
    return v;
  }
  void commit(i64 begin, i64 end) override { arrive(begin, end); }
  [[nodiscard]] bool takes_buffers() const override { return takes_; }
  void deliver(i64 begin, i64 end, const output_view& d) override {
    const i64 k = end - begin;
    for (int row = 0; row < 6; ++row)
      std::memcpy(values.data() + row * n_ + begin, d.array<float>(output_id::time_domain) + row * d.run_stride,
                  static_cast<std::size_t>(k) * 4);
    std::memcpy(status.data() + begin, d.array<u32>(output_id::status), static_cast<std::size_t>(k) * 4);
    std::memcpy(t.data() + begin, d.array<double>(output_id::t_reached), static_cast<std::size_t>(k) * 8);
    arrive(begin, end);
  }

  i64 n_;
  bool takes_;
  int fail_at_, delay_ms_;
  std::vector<float> values;
  std::vector<u32> status;
  std::vector<double> t;
  std::vector<std::pair<i64, i64>> arrived;
  std::thread::id thread;

 private:
  void arrive(i64 begin, i64 end) {
    thread = std::this_thread::get_id();
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    if (static_cast<int>(arrived.size()) == fail_at_) throw error("disk full (injected) writing runs " + std::to_string(begin));
    arrived.emplace_back(begin, end);
  }
};

/// Fills a ring view as an executor would: value = run * 10 + row, status = run, t = run / 2.
void fill(const output_view& v, i64 begin, i64 end) {
  for (i64 r = begin; r < end; ++r) {
    for (int row = 0; row < 6; ++row)
      v.array<float>(output_id::time_domain)[row * v.run_stride + (r - begin)] = static_cast<float>(r * 10 + row);
    v.array<u32>(output_id::status)[r - begin] = static_cast<u32>(r);
    v.array<double>(output_id::t_reached)[r - begin] = static_cast<double>(r) / 2;
  }
}

void expect_all_arrived(const recording_sink& s, i64 n) {
  for (i64 r = 0; r < n; ++r) {
    for (int row = 0; row < 6; ++row) ASSERT_EQ(s.values[static_cast<std::size_t>(row * n + r)], r * 10 + row) << r;
    ASSERT_EQ(s.status[static_cast<std::size_t>(r)], static_cast<u32>(r));
    ASSERT_EQ(s.t[static_cast<std::size_t>(r)], static_cast<double>(r) / 2);
  }
}

class StagingRing : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(ViewCommitAndDeliver, StagingRing, ::testing::Bool());

TEST_P(StagingRing, ChunksArriveWholeInOrderOnTheWriterThread) {
  constexpr i64 n = 1000, chunk = 64;
  recording_sink dest(n, GetParam(), -1, 1);
  staging_ring ring(dest, small_layout(n), 3, host_allocator::pageable());
  for (i64 b = 0; b < n; b += chunk) {
    const i64 e = std::min(n, b + chunk);
    const output_view v = ring.view(b, e);
    EXPECT_EQ(v.run_stride, e - b);
    fill(v, b, e);
    ring.commit(b, e);
  }
  ring.finish();
  EXPECT_EQ(ring.delivered_runs(), n);
  expect_all_arrived(dest, n);
  ASSERT_EQ(dest.arrived.size(), 16u);
  for (std::size_t k = 0; k < dest.arrived.size(); ++k) EXPECT_EQ(dest.arrived[k].first, static_cast<i64>(k) * chunk);
  EXPECT_NE(dest.thread, std::this_thread::get_id()) << "the destination is written by the ring's thread";
  // Bounded by the slots, not the batch: 3 slots of one 64-run chunk each (parts 64-byte aligned).
  const std::uint64_t slot_bytes = 6 * 64 * 4 + 64 * 4 + 64 * 8;
  EXPECT_LE(ring.peak_bytes(), 3 * slot_bytes);
  EXPECT_GT(ring.wait_ms(), 0.0) << "a 1 ms destination against an instant executor: the ring filled";
}

TEST_P(StagingRing, AFailingDestinationStopsTheExecutorAndKeepsWhatArrived) {
  constexpr i64 n = 640, chunk = 64;
  recording_sink dest(n, GetParam(), 3);  // the fourth chunk fails
  staging_ring ring(dest, small_layout(n), 2, host_allocator::pageable());
  bool stopped = false;
  try {
    for (i64 b = 0; b < n; b += chunk) {
      const output_view v = ring.view(b, b + chunk);
      fill(v, b, b + chunk);
      ring.commit(b, b + chunk);
    }
    ring.finish();
  } catch (const error& e) {
    stopped = true;
    EXPECT_NE(std::string(e.what()).find("disk full (injected)"), std::string::npos) << e.what();
  }
  ASSERT_TRUE(stopped);
  EXPECT_EQ(ring.delivered_runs(), 3 * chunk);
  EXPECT_EQ(dest.arrived.size(), 3u);
  expect_all_arrived(dest, 0);
  for (i64 r = 0; r < 3 * chunk; ++r) ASSERT_EQ(dest.status[static_cast<std::size_t>(r)], static_cast<u32>(r));
  EXPECT_THROW(ring.finish(), error) << "the failure is reported again, not forgotten";
}

TEST(StagingRing, CommitWithoutAViewIsAnInternalError) {
  recording_sink dest(100, false);
  staging_ring ring(dest, small_layout(100), 2, host_allocator::pageable());
  EXPECT_THROW(ring.commit(0, 10), internal_error);
}

}  // namespace
