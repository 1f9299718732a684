#include "cubie/memory/chunk_plan.hpp"

#include <gtest/gtest.h>

#include <string>

#include "cubie/core/error.hpp"

using namespace cubie::memory;

namespace {

// Every plan must cover its runs in order with equal chunks and a possibly smaller last one.
void expect_well_formed(const chunk_plan& p, std::int64_t from = 0) {
  ASSERT_FALSE(p.chunks.empty());
  EXPECT_EQ(p.chunks.front().begin, from);
  EXPECT_EQ(p.chunks.back().end, p.n_runs);
  for (std::size_t i = 0; i < p.chunks.size(); ++i) {
    if (i > 0) {
      EXPECT_EQ(p.chunks[i].begin, p.chunks[i - 1].end);
    }
    if (i + 1 < p.chunks.size()) {
      EXPECT_EQ(p.chunks[i].size(), p.chunk_runs);
    } else {
      EXPECT_GT(p.chunks[i].size(), 0);
      EXPECT_LE(p.chunks[i].size(), p.chunk_runs);
    }
  }
}

}  // namespace

TEST(memory_chunk_plan, whole_batch_fits_in_one_chunk) {
  const memory_estimate e{100, 1000};
  const chunk_plan p = plan_chunks(1000, e, 1'000'000);
  expect_well_formed(p);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p.chunk_runs, 1000);  // not rounded to 32: the whole batch is one chunk
  EXPECT_EQ(p.bytes_per_chunk, 1000u + 1000u * 100u);
  EXPECT_EQ(p.peak_bytes, p.bytes_per_chunk);
  EXPECT_EQ(p.in_flight, 1);
}

TEST(memory_chunk_plan, exact_fit_is_one_chunk) {
  const memory_estimate e{10, 5};
  const chunk_plan p = plan_chunks(77, e, 5 + 770);
  EXPECT_EQ(p.size(), 1u);
}

TEST(memory_chunk_plan, forced_chunks_are_aligned_with_a_ragged_last) {
  // N = 1000 is not a multiple of 32; a cap of 300 runs gives 288-run chunks.
  chunk_options o;
  o.max_chunk_runs = 300;
  const chunk_plan p = plan_chunks(1000, {8, 0}, 1'000'000'000, o);
  expect_well_formed(p);
  EXPECT_EQ(p.chunk_runs, 288);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p.chunks[3], (chunk_range{864, 1000}));
  EXPECT_EQ(p.chunks[3].size(), 136);
}

TEST(memory_chunk_plan, memory_limited_chunks_are_aligned) {
  // 100 bytes fixed, 10 per run, 2100 bytes: 200 runs fit, rounded down to 192.
  const chunk_plan p = plan_chunks(1001, {10, 100}, 2100);
  expect_well_formed(p);
  EXPECT_EQ(p.chunk_runs, 192);
  EXPECT_EQ(p.size(), 6u);
  EXPECT_EQ(p.chunks.back().size(), 1001 - 5 * 192);
  EXPECT_LE(p.bytes_per_chunk, 2100u);
}

TEST(memory_chunk_plan, fewer_than_one_aligned_unit_is_unaligned) {
  const chunk_plan p = plan_chunks(100, {10, 0}, 250);  // 25 runs fit, less than 32
  expect_well_formed(p);
  EXPECT_EQ(p.chunk_runs, 25);
  EXPECT_EQ(p.size(), 4u);
}

TEST(memory_chunk_plan, min_chunks_cuts_a_batch_that_fits) {
  chunk_options o;
  o.min_chunks = 2;
  const chunk_plan p2 = plan_chunks(1000, {8, 0}, 1'000'000, o);
  expect_well_formed(p2);
  EXPECT_EQ(p2.chunk_runs, 512);
  EXPECT_EQ(p2.size(), 2u);

  o.min_chunks = 4;
  const chunk_plan p4 = plan_chunks(1000, {8, 0}, 1'000'000, o);
  expect_well_formed(p4);
  EXPECT_EQ(p4.chunk_runs, 256);
  EXPECT_EQ(p4.size(), 4u);

  // 64 runs, 3 chunks wanted: 64 < 3 x 32, too small to cut into 3 aligned chunks, and too
  // small for pipelining to pay, so it stays whole.
  o.min_chunks = 3;
  const chunk_plan small = plan_chunks(64, {8, 0}, 1'000'000, o);
  expect_well_formed(small);
  EXPECT_EQ(small.size(), 1u);

  // 200 runs, 3 chunks: ceil(200/3) = 67 -> 96 gives 3 chunks.
  const chunk_plan p3 = plan_chunks(200, {8, 0}, 1'000'000, o);
  expect_well_formed(p3);
  EXPECT_EQ(p3.chunk_runs, 96);
  EXPECT_EQ(p3.size(), 3u);

  // 100 runs, 3 chunks: 34 -> 64 leaves 2 chunks, so floor(100/3) = 33 -> 32 (4 chunks).
  const chunk_plan p3b = plan_chunks(100, {8, 0}, 1'000'000, o);
  expect_well_formed(p3b);
  EXPECT_EQ(p3b.chunk_runs, 32);
  EXPECT_GE(p3b.size(), 3u);
}

TEST(memory_chunk_plan, in_flight_buffers_share_the_budget) {
  chunk_options o;
  o.in_flight = 2;
  o.max_chunk_runs = 1000;
  // 1000 runs fit at once in total; two buffer sets get 500 each -> 480 aligned.
  const chunk_plan p = plan_chunks(4000, {10, 0}, 10'000, o);
  expect_well_formed(p);
  EXPECT_EQ(p.chunk_runs, 480);
  EXPECT_EQ(p.in_flight, 2);
  EXPECT_LE(p.peak_bytes, 10'000u);
  EXPECT_EQ(p.peak_bytes, 2u * 480u * 10u);

  // Only one run fits: in_flight drops to 1 instead of failing.
  const chunk_plan one = plan_chunks(5, {10, 0}, 15, o);
  expect_well_formed(one);
  EXPECT_EQ(one.chunk_runs, 1);
  EXPECT_EQ(one.in_flight, 1);
}

TEST(memory_chunk_plan, one_run_too_big_is_out_of_memory_with_both_numbers) {
  try {
    (void)plan_chunks(10, {600, 500}, 1000);
    FAIL() << "expected out_of_memory";
  } catch (const cubie::out_of_memory& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("1100"), std::string::npos) << msg;  // one run needs
    EXPECT_NE(msg.find("500 fixed"), std::string::npos) << msg;
    EXPECT_NE(msg.find("600 per run"), std::string::npos) << msg;
    EXPECT_NE(msg.find("1000 bytes are available"), std::string::npos) << msg;
  }
  // It is a std::bad_alloc too.
  EXPECT_THROW((void)plan_chunks(1, {2, 0}, 1), std::bad_alloc);
}

TEST(memory_chunk_plan, invalid_arguments) {
  EXPECT_THROW((void)plan_chunks(0, {1, 0}, 100), cubie::invalid_argument);
  EXPECT_THROW((void)plan_chunks(-5, {1, 0}, 100), cubie::invalid_argument);
  chunk_options o;
  o.align = 0;
  EXPECT_THROW((void)plan_chunks(10, {1, 0}, 100, o), cubie::invalid_argument);
  o = {};
  o.min_chunks = 0;
  EXPECT_THROW((void)plan_chunks(10, {1, 0}, 100, o), cubie::invalid_argument);
  o = {};
  o.max_chunk_runs = -1;
  EXPECT_THROW((void)plan_chunks(10, {1, 0}, 100, o), cubie::invalid_argument);
  o = {};
  o.in_flight = 0;
  EXPECT_THROW((void)plan_chunks(10, {1, 0}, 100, o), cubie::invalid_argument);
}

TEST(memory_chunk_plan, zero_bytes_per_run_is_one_chunk) {
  const chunk_plan p = plan_chunks(1'000'000'000, {0, 10}, 10);
  EXPECT_EQ(p.size(), 1u);
}

TEST(memory_chunk_plan, shrink_halves_the_chunk_from_the_failed_run_on) {
  const memory_estimate e{10, 0};
  // A 256-run chunk starting at run 512 failed: the rest is replanned with 128-run chunks.
  const chunk_plan p = shrink_plan(1000, 512, 256, e);
  expect_well_formed(p, 512);
  EXPECT_EQ(p.chunk_runs, 128);
  EXPECT_EQ(p.size(), 4u);
  EXPECT_EQ(p.chunks.back(), (chunk_range{896, 1000}));
  EXPECT_EQ(p.bytes_per_chunk, 1280u);

  // 96 -> 48 -> aligned down to 32.
  EXPECT_EQ(shrink_plan(1000, 0, 96, e).chunk_runs, 32);
  // Below one aligned unit: plain halving.
  EXPECT_EQ(shrink_plan(1000, 0, 32, e).chunk_runs, 16);
  EXPECT_EQ(shrink_plan(1000, 0, 3, e).chunk_runs, 1);
}

TEST(memory_chunk_plan, shrink_below_one_run_is_out_of_memory) {
  try {
    (void)shrink_plan(10, 4, 1, {64, 8});
    FAIL() << "expected out_of_memory";
  } catch (const cubie::out_of_memory& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("72 bytes (8 fixed + 64 per run)"), std::string::npos) << msg;
  }
  EXPECT_THROW((void)shrink_plan(10, 10, 4, {1, 0}), cubie::invalid_argument);
  EXPECT_THROW((void)shrink_plan(10, -1, 4, {1, 0}), cubie::invalid_argument);
  EXPECT_THROW((void)shrink_plan(10, 0, 0, {1, 0}), cubie::invalid_argument);
}

TEST(memory_chunk_plan, repeated_shrinks_reach_one_run_then_fail) {
  const memory_estimate e{4, 0};
  std::int64_t size = plan_chunks(1000, e, 4 * 300).chunk_runs;
  EXPECT_EQ(size, 288);
  int shrinks = 0;
  while (size > 1) {
    size = shrink_plan(1000, 0, size, e).chunk_runs;
    ++shrinks;
  }
  EXPECT_EQ(size, 1);
  EXPECT_GT(shrinks, 3);
  EXPECT_THROW((void)shrink_plan(1000, 0, size, e), cubie::out_of_memory);
}

// ---- whole waves -------------------------------------------------------------------------
// wave = runs resident on the device at once. The H200's rk4 Lorenz kernel: 12 blocks of 128
// threads on each of 132 SMs.
namespace {
constexpr std::int64_t h200_wave = 12 * 132 * 128;  // 202,752
}  // namespace

TEST(memory_chunk_plan, pipelining_cuts_whole_waves_with_a_ragged_rest) {
  chunk_options o;
  o.wave = h200_wave;
  o.in_flight = 3;
  // B1: 4,194,304 runs (20.7 waves) asked in 11 chunks: ceil(N / 11) = 1.88 waves, nearest 2.
  o.min_chunks = 11;
  const chunk_plan p = plan_chunks(4'194'304, {20, 0}, std::uint64_t{1} << 40, o);
  expect_well_formed(p);
  EXPECT_EQ(p.chunk_runs, 2 * h200_wave);
  ASSERT_EQ(p.size(), 11u);
  EXPECT_EQ(p.chunks.back().size(), 4'194'304 - 10 * 2 * h200_wave);  // 139,264: 0.69 wave last
  EXPECT_EQ(p.in_flight, 3);

  // 21 chunks wanted: ceil(N / 21) = 0.99 wave, nearest 1 (20 chunks of one wave and the rest).
  o.min_chunks = 21;
  const chunk_plan q = plan_chunks(4'194'304, {1220, 0}, std::uint64_t{1} << 40, o);
  expect_well_formed(q);
  EXPECT_EQ(q.chunk_runs, h200_wave);
  EXPECT_EQ(q.size(), 21u);

  // 3.34 waves per chunk rounds down to 3 (the nearest), 4 chunks.
  chunk_options r;
  r.wave = 1024;
  r.min_chunks = 3;
  const chunk_plan down = plan_chunks(10'240, {8, 0}, std::uint64_t{1} << 30, r);
  EXPECT_EQ(down.chunk_runs, 3072);
  EXPECT_EQ(down.size(), 4u);
  // 2.5 waves rounds up to 3 when that still makes min_chunks = 4 chunks.
  r.min_chunks = 4;
  const chunk_plan up = plan_chunks(10'240, {8, 0}, std::uint64_t{1} << 30, r);
  EXPECT_EQ(up.chunk_runs, 3072);
  EXPECT_EQ(up.size(), 4u);
}

TEST(memory_chunk_plan, caps_and_budgets_round_down_to_whole_waves) {
  chunk_options o;
  o.wave = 1024;
  o.max_chunk_runs = 2900;  // 2.8 waves: 2 waves, never more than the cap
  const chunk_plan capped = plan_chunks(10'000, {8, 0}, std::uint64_t{1} << 30, o);
  expect_well_formed(capped);
  EXPECT_EQ(capped.chunk_runs, 2048);

  chunk_options b;
  b.wave = 1024;
  b.in_flight = 2;
  // 6000 runs fit in total, 3000 per buffer set: 2 waves.
  const chunk_plan budget = plan_chunks(10'000, {10, 0}, 60'000, b);
  expect_well_formed(budget);
  EXPECT_EQ(budget.chunk_runs, 2048);
  EXPECT_LE(budget.peak_bytes, 60'000u);

  // Under one wave the alignment rule alone applies.
  b.max_chunk_runs = 1000;
  EXPECT_EQ(plan_chunks(10'000, {10, 0}, 60'000, b).chunk_runs, 992);
}

TEST(memory_chunk_plan, a_whole_batch_is_not_rounded_and_the_wave_is_aligned) {
  chunk_options o;
  o.wave = 1024;
  const chunk_plan whole = plan_chunks(2'500, {8, 0}, std::uint64_t{1} << 30, o);
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_EQ(whole.chunk_runs, 2'500);

  // A wave that is no multiple of the alignment is rounded up to one: 1000 -> 1024.
  o.wave = 1000;
  o.max_chunk_runs = 2100;
  EXPECT_EQ(plan_chunks(10'000, {8, 0}, std::uint64_t{1} << 30, o).chunk_runs, 2048);

  o.wave = -1;
  EXPECT_THROW((void)plan_chunks(10, {1, 0}, 100, o), cubie::invalid_argument);
}

TEST(memory_chunk_plan, shrink_keeps_whole_waves_while_one_fits) {
  chunk_options o;
  o.wave = 1024;
  // 4 waves fail -> 2 waves; 3 waves fail -> 1.5 -> 1 wave; 1 wave fails -> 512 (align rule).
  EXPECT_EQ(shrink_plan(100'000, 0, 4096, {8, 0}, o).chunk_runs, 2048);
  EXPECT_EQ(shrink_plan(100'000, 0, 3072, {8, 0}, o).chunk_runs, 1024);
  EXPECT_EQ(shrink_plan(100'000, 0, 1024, {8, 0}, o).chunk_runs, 512);
}
