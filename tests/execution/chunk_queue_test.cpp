// The chunk queue devices share a solve through: every run handed out once, in order; chunks
// cut finer near the end (guided); given-back chunks first; the window of an in-order
// destination; waiting and finishing; what is left when every device has gone.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "cubie/core/error.hpp"
#include "cubie/execution/chunk_queue.hpp"

using cubie::chunk_queue;
using cubie::memory::chunk_range;
using outcome = chunk_queue::outcome;

TEST(execution_chunk_queue, hands_out_every_run_once_in_order_then_shrinks_to_whole_units) {
  chunk_queue q(0, 10'000, 2);
  EXPECT_EQ(q.share_runs(), 5'000);
  std::vector<chunk_range> got;
  std::int64_t at = 0;
  for (;;) {
    const auto t = q.take(1'024, 128, false);
    if (t.what == outcome::finished) break;
    ASSERT_EQ(t.what, outcome::chunk);
    EXPECT_EQ(t.range.begin, at);
    at = t.range.end;
    got.push_back(t.range);
    q.completed(t.range);
  }
  EXPECT_EQ(at, 10'000);
  EXPECT_TRUE(q.all_completed());
  EXPECT_EQ(got.front().size(), 1'024) << "the device's size while much is left";
  // Guided: once fewer than 2 x 1024 runs per device remain, about rest / 4, whole units of
  // 128, and never a last chunk under one unit.
  for (std::size_t k = 0; k + 2 < got.size(); ++k) {
    EXPECT_EQ(got[k].size() % 128, 0) << k;
    EXPECT_GE(got[k].size(), got[k + 1].size()) << "sizes only shrink";
  }
  EXPECT_GE(got.back().size(), 128) << "the ragged rest rides with the last unit";
  EXPECT_LT(got.back().size(), 256);
  EXPECT_LT(got[got.size() - 2].size(), 1'024);
}

TEST(execution_chunk_queue, a_rest_smaller_than_a_unit_goes_with_the_chunk_before) {
  chunk_queue q(0, 300, 1);
  const auto t = q.take(1'000, 256, false);
  EXPECT_EQ(t.range.size(), 300) << "256 would leave 44 runs: not worth a chunk of their own";
}

TEST(execution_chunk_queue, given_back_chunks_come_first_lowest_first_and_cut_to_size) {
  chunk_queue q(100, 1'100, 2);
  const auto a = q.take(200, 32, false);  // [100, 300)
  const auto b = q.take(200, 32, false);  // [300, 500)
  ASSERT_EQ(a.range, (chunk_range{100, 300}));
  ASSERT_EQ(b.range, (chunk_range{300, 500}));
  q.give_back(b.range);
  q.give_back(a.range);  // merged with b: [100, 500)
  const auto c = q.take(150, 32, false);
  EXPECT_EQ(c.range, (chunk_range{100, 250}));
  const auto d = q.take(400, 32, false);
  EXPECT_EQ(d.range, (chunk_range{250, 500})) << "the rest of what came back";
  EXPECT_EQ(q.given_back_by(std::this_thread::get_id()), 400);
}

TEST(execution_chunk_queue, waits_while_others_may_give_back_and_finishes_when_they_complete) {
  chunk_queue q(0, 64, 2);
  const auto a = q.take(64, 64, false);
  ASSERT_EQ(a.range.size(), 64);
  EXPECT_EQ(q.take(64, 64, false).what, outcome::wait) << "all taken, but it may come back";
  EXPECT_TRUE(q.all_taken());
  // A blocked taker wakes when the chunk comes back, and takes it.
  std::thread other([&] {
    const auto t = q.take(64, 64, true);
    EXPECT_EQ(t.what, outcome::chunk);
    EXPECT_EQ(t.range, a.range);
    q.completed(t.range);
  });
  q.give_back(a.range);
  other.join();
  EXPECT_EQ(q.take(64, 64, true).what, outcome::finished);
  EXPECT_TRUE(q.all_completed());
  EXPECT_TRUE(q.unfinished().empty());
}

TEST(execution_chunk_queue, a_window_keeps_takers_near_the_first_unfinished_run) {
  chunk_queue q(0, 100'000, 2, /*windowed=*/true);
  q.join(100, 1);  // (2 x 1 + 2) x 100 = 400 runs of window
  const auto first = q.take(100, 32, false);
  std::vector<chunk_range> later;
  for (int k = 0; k < 3; ++k) later.push_back(q.take(100, 32, false).range);
  EXPECT_EQ(later.back().end, 400);
  EXPECT_EQ(q.take(100, 32, false).what, outcome::wait) << "[400, 500) would end past the window";
  for (const auto& r : later) q.completed(r);
  EXPECT_EQ(q.take(100, 32, false).what, outcome::wait) << "completing later chunks does not move it";
  q.completed(first.range);
  EXPECT_EQ(q.take(100, 32, false).range, (chunk_range{400, 500}));
  // Without a window nothing waits.
  chunk_queue free(0, 100'000, 2);
  free.join(100, 1);
  for (int k = 0; k < 10; ++k) EXPECT_EQ(free.take(100, 32, false).what, outcome::chunk);
}

TEST(execution_chunk_queue, leaving_and_stopping) {
  chunk_queue q(0, 1'000, 3);
  const auto a = q.take(100, 32, false);
  q.completed(a.range);
  const auto b = q.take(100, 32, false);
  q.give_back(b.range);
  q.leave();
  EXPECT_EQ(q.devices_taking(), 2);
  q.leave();
  q.leave();
  EXPECT_FALSE(q.all_completed());
  const auto gaps = q.unfinished();
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0], (chunk_range{100, 1'000}));
  q.stop();
  EXPECT_EQ(q.take(100, 32, true).what, outcome::finished) << "a stopped queue never blocks";
}

TEST(execution_chunk_queue, bad_arguments_say_what_is_wrong) {
  EXPECT_THROW(chunk_queue(10, 5, 1), cubie::invalid_argument);
  EXPECT_THROW(chunk_queue(0, 5, 0), cubie::invalid_argument);
  chunk_queue q(0, 10, 1);
  EXPECT_THROW((void)q.take(0, 1, false), cubie::invalid_argument);
  EXPECT_THROW((void)q.take(10, 0, false), cubie::invalid_argument);
}
