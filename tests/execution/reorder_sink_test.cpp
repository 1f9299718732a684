// The sink several devices commit to: chunks committed out of order reach the destination in
// run order, with their contents; the chunk that is next goes over without a copy; a failing
// destination fails every later call with its own error.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cubie/core/error.hpp"
#include "cubie/execution/reorder_sink.hpp"

using namespace cubie;

namespace {

// Two arrays: two float64 values per run (a time axis of 2) and a u32 status.
output_layout small_layout(i64 n) {
  output_layout l;
  l.precision = precision::float64;
  l.n_runs = n;
  l.arrays = {{output_id::time_domain, "time_domain", "", element_type::value,
               {output_axis{"time", 2, {0.0, 1.0}, {}, true}}, true, 0.0},
              {output_id::status, "status", "", element_type::uint32, {}, false, 1024.0}};
  return l;
}

/// Whole arrays for n runs; records what it receives and how.
class recording_destination final : public result_sink {
 public:
  recording_destination(i64 n, bool in_memory, bool takes) : n_(n), in_memory_(in_memory), takes_(takes),
                                                            values(static_cast<std::size_t>(2 * n), -1.0),
                                                            status(static_cast<std::size_t>(n), 0xdead) {}
  output_view view(i64 b, i64 /*e*/) override {
    output_view v;
    v.data[static_cast<int>(output_id::time_domain)] = values.data() + b;
    v.data[static_cast<int>(output_id::status)] = status.data() + b;
    v.run_stride = n_;
    return v;
  }
  void commit(i64 b, i64 e) override {
    if (++calls == fail_at) throw std::runtime_error("write failed");
    commits.emplace_back(b, e);
  }
  [[nodiscard]] bool whole_result_in_memory() const override { return in_memory_; }
  [[nodiscard]] bool takes_buffers() const override { return takes_; }
  void deliver(i64 b, i64 e, const output_view& d) override {
    if (++calls == fail_at) throw std::runtime_error("write failed");
    delivered_from.push_back(d.data[static_cast<int>(output_id::status)]);
    for (i64 r = 0; r < e - b; ++r) {
      values[static_cast<std::size_t>(b + r)] = d.array<double>(output_id::time_domain)[r];
      values[static_cast<std::size_t>(n_ + b + r)] = d.array<double>(output_id::time_domain)[d.run_stride + r];
      status[static_cast<std::size_t>(b + r)] = d.array<u32>(output_id::status)[r];
    }
    commits.emplace_back(b, e);
  }

  i64 n_;
  bool in_memory_, takes_;
  std::vector<double> values;
  std::vector<u32> status;
  std::vector<std::pair<i64, i64>> commits;
  std::vector<const void*> delivered_from;
  int calls = 0, fail_at = 0;
};

// Fills runs [b, e) of a view with values that name the run.
void fill(const output_view& v, i64 b, i64 e) {
  for (i64 r = 0; r < e - b; ++r) {
    v.array<double>(output_id::time_domain)[r] = static_cast<double>(b + r);
    v.array<double>(output_id::time_domain)[v.run_stride + r] = -static_cast<double>(b + r);
    v.array<u32>(output_id::status)[r] = static_cast<u32>(b + r);
  }
}

void expect_named(const recording_destination& d, i64 n) {
  for (i64 r = 0; r < n; ++r) {
    ASSERT_EQ(d.values[static_cast<std::size_t>(r)], static_cast<double>(r));
    ASSERT_EQ(d.values[static_cast<std::size_t>(n + r)], -static_cast<double>(r));
    ASSERT_EQ(d.status[static_cast<std::size_t>(r)], static_cast<u32>(r));
  }
}

std::vector<std::pair<i64, i64>> in_order(i64 n, i64 chunk) {
  std::vector<std::pair<i64, i64>> v;
  for (i64 b = 0; b < n; b += chunk) v.emplace_back(b, std::min(n, b + chunk));
  return v;
}

}  // namespace

TEST(execution_reorder_sink, a_result_in_memory_is_filled_in_place_and_committed_in_order) {
  const i64 n = 1000;
  recording_destination dest(n, /*in_memory=*/true, false);
  reorder_sink sink(dest, small_layout(n), 0);
  EXPECT_TRUE(sink.whole_result_in_memory());
  EXPECT_FALSE(sink.takes_buffers());
  // Four threads commit chunks of 50 in an interleaved, reversed order.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (i64 c = 19 - t; c >= 0; c -= 4) {
        const i64 b = c * 50, e = b + 50;
        const output_view v = sink.view(b, e);
        EXPECT_EQ(v.data[static_cast<int>(output_id::status)], dest.status.data() + b) << "the final storage itself";
        fill(v, b, e);
        sink.commit(b, e);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(dest.commits, in_order(n, 50));
  EXPECT_EQ(sink.committed_end(), n);
  EXPECT_EQ(sink.forwarded_chunk_runs(), std::vector<std::int64_t>(20, 50));
  expect_named(dest, n);
}

TEST(execution_reorder_sink, early_chunks_are_held_and_the_next_one_goes_over_without_a_copy) {
  const i64 n = 300;
  recording_destination dest(n, false, /*takes=*/true);
  reorder_sink sink(dest, small_layout(n), 0);
  EXPECT_TRUE(sink.takes_buffers());
  std::vector<double> v0(200), v1(200), v2(200);
  std::vector<u32> s0(100), s1(100), s2(100);
  auto view_of = [](std::vector<double>& v, std::vector<u32>& s) {
    output_view o;
    o.data[static_cast<int>(output_id::time_domain)] = v.data();
    o.data[static_cast<int>(output_id::status)] = s.data();
    o.run_stride = 100;
    return o;
  };
  const output_view a = view_of(v0, s0), b = view_of(v1, s1), c = view_of(v2, s2);
  fill(a, 0, 100);
  fill(b, 100, 200);
  fill(c, 200, 300);
  sink.deliver(200, 300, c);
  sink.deliver(100, 200, b);
  EXPECT_TRUE(dest.commits.empty()) << "nothing before run 0 has come";
  EXPECT_EQ(sink.waiting().size(), 2u);
  EXPECT_GT(sink.peak_held_bytes(), 0u);
  // The caller's buffers may be reused at once: the held copies are the sink's own.
  std::fill(v1.begin(), v1.end(), 0.0);
  std::fill(v2.begin(), v2.end(), 0.0);
  sink.deliver(0, 100, a);
  EXPECT_EQ(dest.commits, in_order(n, 100));
  ASSERT_EQ(dest.delivered_from.size(), 3u);
  EXPECT_EQ(dest.delivered_from[0], s0.data()) << "the next chunk is handed over as it came";
  EXPECT_NE(dest.delivered_from[1], s1.data());
  expect_named(dest, n);
  EXPECT_TRUE(sink.waiting().empty());
}

TEST(execution_reorder_sink, views_and_commits_reach_a_destination_that_takes_views) {
  const i64 n = 400;
  recording_destination dest(n, false, /*takes=*/false);
  reorder_sink sink(dest, small_layout(n), 0);
  for (i64 b : {300, 100, 0, 200}) {
    const output_view v = sink.view(b, b + 100);
    fill(v, b, b + 100);
    sink.commit(b, b + 100);
  }
  EXPECT_EQ(dest.commits, in_order(n, 100));
  expect_named(dest, n);
}

TEST(execution_reorder_sink, a_failing_destination_fails_every_later_call_with_its_error) {
  const i64 n = 300;
  recording_destination dest(n, false, true);
  dest.fail_at = 2;
  reorder_sink sink(dest, small_layout(n), 0);
  std::vector<double> v(200);
  std::vector<u32> s(100);
  output_view o;
  o.data[static_cast<int>(output_id::time_domain)] = v.data();
  o.data[static_cast<int>(output_id::status)] = s.data();
  o.run_stride = 100;
  sink.deliver(200, 300, o);  // held
  sink.deliver(0, 100, o);    // written
  EXPECT_THROW(sink.deliver(100, 200, o), std::runtime_error);  // the destination's second call fails
  EXPECT_TRUE(sink.failure() != nullptr);
  EXPECT_THROW((void)sink.view(300, 301), std::runtime_error);
  EXPECT_EQ(sink.committed_end(), 100);
  EXPECT_EQ(dest.commits.size(), 1u);
}

TEST(execution_reorder_sink, misuse_is_an_internal_error) {
  recording_destination dest(100, false, true);
  reorder_sink sink(dest, small_layout(100), 0);
  EXPECT_THROW(sink.commit(0, 10), internal_error) << "a commit without a view";
  recording_destination memory(100, true, false);
  reorder_sink in_memory(memory, small_layout(100), 0);
  output_view none;
  EXPECT_THROW(in_memory.deliver(0, 10, none), internal_error);
  (void)in_memory.view(0, 10);
  in_memory.commit(0, 10);
  EXPECT_THROW(in_memory.commit(0, 10), internal_error) << "committed twice";
}
