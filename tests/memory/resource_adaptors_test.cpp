#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "byte_literals.hpp"
#include "cubie/core/error.hpp"
#include "cubie/memory/device_resource.hpp"
#include "cubie/memory/failing_resource_adaptor.hpp"
#include "cubie/memory/host_resource.hpp"
#include "cubie/memory/limiting_resource_adaptor.hpp"
#include "cubie/memory/statistics_resource_adaptor.hpp"

using namespace cubie::memory;
using namespace cubie::test_literals;

namespace {
const stream_view s0 = stream_view::default_stream();
}

// stream_view refuses a literal 0 and nullptr at compile time; it names the default stream explicitly.
static_assert(!std::is_constructible_v<stream_view, int>);
static_assert(!std::is_constructible_v<stream_view, std::nullptr_t>);
static_assert(!std::is_default_constructible_v<stream_view>);
static_assert(std::is_constructible_v<stream_view, CUstream_st*>);
static_assert(stream_view::default_stream().is_default());

// The adaptors borrow their upstream through a device_resource_ref: an upstream given as a
// temporary (which would dangle) does not compile, a named one does.
static_assert(!std::is_constructible_v<statistics_resource_adaptor, host_resource>);
static_assert(std::is_constructible_v<statistics_resource_adaptor, host_resource&>);
static_assert(!std::is_constructible_v<limiting_resource_adaptor, host_resource, std::uint64_t>);
static_assert(std::is_constructible_v<limiting_resource_adaptor, host_resource&, std::uint64_t>);
static_assert(!std::is_constructible_v<failing_resource_adaptor, host_resource, std::uint64_t>);
static_assert(std::is_constructible_v<failing_resource_adaptor, host_resource&, std::uint64_t>);

TEST(memory_adaptors, host_resource_allocates_aligned_writable_memory) {
  host_resource r;
  void* p = r.allocate(10_KiB, s0);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % resource_alignment, 0u);
  std::memset(p, 0xab, 10_KiB);
  r.deallocate(p, 10_KiB, s0);
  EXPECT_EQ(r.allocate_sync(0), nullptr);
  r.deallocate_sync(nullptr, 0);
  EXPECT_TRUE(host_resource{} == host_resource{});
}

TEST(memory_adaptors, host_resource_exhaustion_is_cubie_out_of_memory) {
  host_resource r;
  EXPECT_THROW((void)r.allocate_sync(std::size_t{1} << 62), cubie::out_of_memory);
}

TEST(memory_adaptors, refs_and_owners_erase_the_type) {
  host_resource host;
  device_resource_ref ref = host;
  void* p = ref.allocate(256, s0);
  ref.deallocate(p, 256, s0);
  EXPECT_NE(ref.target<host_resource>(), nullptr);
  EXPECT_EQ(ref.target<statistics_resource_adaptor>(), nullptr);
  EXPECT_TRUE(ref == device_resource_ref(host));
  host_resource other;
  EXPECT_TRUE(ref == device_resource_ref(other));  // host resources are interchangeable

  // The owner holds the adaptor; the adaptor's upstream (`host`, declared first so it
  // outlives the owner) lives beside it.
  any_device_resource owner(std::in_place_type<statistics_resource_adaptor>, device_resource_ref(host));
  device_resource_ref borrowed = owner;
  void* q = borrowed.allocate(1024, s0);
  auto* stats = owner.target<statistics_resource_adaptor>();
  ASSERT_NE(stats, nullptr);
  EXPECT_EQ(stats->upstream().target<host_resource>(), &host);  // borrowed, not copied
  EXPECT_EQ(stats->current_bytes(), 1024);
  owner.deallocate(q, 1024, s0);
  EXPECT_EQ(stats->current_bytes(), 0);

  any_device_resource moved = std::move(owner);
  EXPECT_FALSE(static_cast<bool>(owner));
  EXPECT_EQ(moved.target<statistics_resource_adaptor>(), stats);  // same object, no copy
  EXPECT_EQ(stats->upstream().target<host_resource>(), &host);    // still borrowing the same upstream
  EXPECT_TRUE(borrowed == moved.ref());  // references survive the move of the owner
  void* r = borrowed.allocate(512, s0);  // and still reach the adaptor the owner holds
  EXPECT_EQ(stats->current_bytes(), 512);
  moved.deallocate(r, 512, s0);
  EXPECT_EQ(stats->current_bytes(), 0);

  any_device_resource plain(host_resource{});
  EXPECT_FALSE(plain == moved);
}

TEST(memory_adaptors, statistics_count_current_peak_and_calls) {
  host_resource host;
  statistics_resource_adaptor stats{device_resource_ref(host)};
  void* a = stats.allocate(1000, s0);
  void* b = stats.allocate_sync(3000);
  EXPECT_EQ(stats.current_bytes(), 4000);
  EXPECT_EQ(stats.peak_bytes(), 4000);
  stats.deallocate(a, 1000, s0);
  void* c = stats.allocate(500, s0);
  EXPECT_EQ(stats.current_bytes(), 3500);
  EXPECT_EQ(stats.peak_bytes(), 4000);
  EXPECT_EQ(stats.allocation_calls(), 3);
  const resource_statistics all = stats.counters();
  EXPECT_EQ(all.bytes.total, 4500);
  EXPECT_EQ(all.allocations.value, 2);
  EXPECT_EQ(all.allocations.peak, 2);
  stats.deallocate_sync(b, 3000);
  stats.deallocate(c, 500, s0);
  EXPECT_EQ(stats.current_bytes(), 0);
  // Zero-byte requests are not allocations.
  EXPECT_EQ(stats.allocate(0, s0), nullptr);
  stats.deallocate(nullptr, 0, s0);
  EXPECT_EQ(stats.allocation_calls(), 3);
  EXPECT_EQ(stats.counters().allocations.value, 0);
}

TEST(memory_adaptors, statistics_push_and_pop_measure_one_phase) {
  host_resource host;
  statistics_resource_adaptor stats{device_resource_ref(host)};
  void* before = stats.allocate(10'000, s0);  // held across the phase

  stats.push_counters();
  EXPECT_EQ(stats.current_bytes(), 0);
  EXPECT_EQ(stats.allocation_calls(), 0);
  void* x = stats.allocate(2'000, s0);
  void* y = stats.allocate(3'000, s0);
  stats.deallocate(x, 2'000, s0);
  stats.deallocate(y, 3'000, s0);
  const resource_statistics phase = stats.pop_counters();
  EXPECT_EQ(phase.bytes.peak, 5'000);
  EXPECT_EQ(phase.bytes.value, 0);
  EXPECT_EQ(phase.allocations.total, 2);

  // Folded into the outer phase: its peak saw 10'000 + 5'000 at once.
  const resource_statistics outer = stats.counters();
  EXPECT_EQ(outer.bytes.peak, 15'000);
  EXPECT_EQ(outer.bytes.value, 10'000);
  EXPECT_EQ(outer.allocations.total, 3);

  // A phase that frees memory from before it goes negative, and folds back to the truth.
  stats.push_counters();
  stats.deallocate(before, 10'000, s0);
  EXPECT_EQ(stats.current_bytes(), -10'000);
  (void)stats.pop_counters();
  EXPECT_EQ(stats.current_bytes(), 0);

  EXPECT_THROW((void)stats.pop_counters(), cubie::invalid_argument);
}

TEST(memory_adaptors, limiting_refuses_a_breach_and_rolls_back) {
  host_resource host;
  limiting_resource_adaptor limit{device_resource_ref(host), 10_KiB};
  void* a = limit.allocate(6_KiB, s0);
  EXPECT_EQ(limit.held_bytes(), 6_KiB);
  EXPECT_EQ(limit.headroom_bytes(), 4_KiB);
  try {
    (void)limit.allocate(5_KiB, s0);
    FAIL() << "expected out_of_memory";
  } catch (const cubie::out_of_memory& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(std::to_string(5_KiB)), std::string::npos) << msg;   // requested
    EXPECT_NE(msg.find(std::to_string(6_KiB)), std::string::npos) << msg;   // held
    EXPECT_NE(msg.find(std::to_string(10_KiB)), std::string::npos) << msg;  // limit
  }
  EXPECT_EQ(limit.held_bytes(), 6_KiB);  // the refused request left nothing reserved
  void* b = limit.allocate_sync(4_KiB);  // exactly up to the limit is fine
  EXPECT_EQ(limit.held_bytes(), 10_KiB);
  limit.deallocate(a, 6_KiB, s0);
  limit.deallocate_sync(b, 4_KiB);
  EXPECT_EQ(limit.held_bytes(), 0u);
  limit.set_limit(1_KiB);
  EXPECT_THROW((void)limit.allocate(2_KiB, s0), cubie::out_of_memory);
}

TEST(memory_adaptors, limiting_rolls_back_when_upstream_fails) {
  host_resource host;
  failing_resource_adaptor failing{device_resource_ref(host), 2};
  limiting_resource_adaptor limit{device_resource_ref(failing), 10_KiB};
  void* a = limit.allocate(1_KiB, s0);
  EXPECT_THROW((void)limit.allocate(1_KiB, s0), cubie::out_of_memory);
  EXPECT_EQ(limit.held_bytes(), 1_KiB);
  limit.deallocate(a, 1_KiB, s0);
  EXPECT_EQ(limit.held_bytes(), 0u);
}

TEST(memory_adaptors, limiting_never_passes_the_limit_under_contention) {
  host_resource host;
  limiting_resource_adaptor limit{device_resource_ref(host), 64 * 1024};
  std::atomic<std::uint64_t> max_seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        try {
          void* p = limit.allocate(4096, s0);
          std::uint64_t h = limit.held_bytes();
          std::uint64_t m = max_seen.load();
          while (h > m && !max_seen.compare_exchange_weak(m, h)) {
          }
          limit.deallocate(p, 4096, s0);
        } catch (const cubie::out_of_memory&) {
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(max_seen.load(), 64u * 1024u);
  EXPECT_EQ(limit.held_bytes(), 0u);
}

TEST(memory_adaptors, failing_fails_exactly_the_kth_allocation) {
  host_resource host;
  statistics_resource_adaptor upstream{device_resource_ref(host)};
  failing_resource_adaptor failing{device_resource_ref(upstream), 3};
  void* a = failing.allocate(100, s0);
  void* b = failing.allocate_sync(100);  // synchronous calls count too
  try {
    (void)failing.allocate(100, s0);
    FAIL() << "expected out_of_memory";
  } catch (const cubie::out_of_memory& e) {
    EXPECT_NE(std::string(e.what()).find("allocation 3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(upstream.allocation_calls(), 2);  // the failed call never reached upstream
  void* c = failing.allocate(100, s0);        // the 4th passes again
  EXPECT_EQ(failing.allocation_calls(), 4u);
  EXPECT_EQ(failing.failures(), 1u);
  failing.deallocate(a, 100, s0);
  failing.deallocate_sync(b, 100);
  failing.deallocate(c, 100, s0);
  EXPECT_EQ(upstream.current_bytes(), 0);
}

TEST(memory_adaptors, failing_from_then_on_and_rearm) {
  host_resource host;
  failing_resource_adaptor failing{device_resource_ref(host), 2, failure_mode::from_then_on};
  void* a = failing.allocate(64, s0);
  EXPECT_THROW((void)failing.allocate(64, s0), cubie::out_of_memory);
  EXPECT_THROW((void)failing.allocate(64, s0), cubie::out_of_memory);
  EXPECT_THROW((void)failing.allocate_sync(64), std::bad_alloc);
  failing.disarm();
  void* b = failing.allocate(64, s0);
  failing.rearm(1);
  EXPECT_THROW((void)failing.allocate(64, s0), cubie::out_of_memory);
  void* c = failing.allocate(64, s0);
  failing.deallocate(a, 64, s0);
  failing.deallocate(b, 64, s0);
  failing.deallocate(c, 64, s0);
  EXPECT_THROW(failing.rearm(0), cubie::invalid_argument);
  EXPECT_THROW((failing_resource_adaptor{device_resource_ref(host), 0}), cubie::invalid_argument);
}

TEST(memory_adaptors, adaptors_stack_through_refs) {
  // The composition a Solver builds on the CPU: host -> limiting -> statistics, with faults injected.
  host_resource host;
  failing_resource_adaptor failing{device_resource_ref(host), 2};
  limiting_resource_adaptor limit{device_resource_ref(failing), 1_MiB};
  statistics_resource_adaptor stats{device_resource_ref(limit)};
  device_resource_ref top = stats;
  void* a = top.allocate(512_KiB, s0);
  EXPECT_THROW((void)top.allocate(256_KiB, s0), cubie::out_of_memory);  // injected
  EXPECT_THROW((void)top.allocate(768_KiB, s0), cubie::out_of_memory);  // over the limit
  void* b = top.allocate(256_KiB, s0);
  EXPECT_EQ(stats.current_bytes(), static_cast<std::int64_t>(768_KiB));
  EXPECT_EQ(limit.held_bytes(), 768_KiB);
  top.deallocate(a, 512_KiB, s0);
  top.deallocate(b, 256_KiB, s0);
  EXPECT_EQ(limit.held_bytes(), 0u);
  EXPECT_EQ(stats.allocation_calls(), 2);
}
