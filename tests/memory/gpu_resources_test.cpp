// GPU tests of the CUDA resources (ctest label gpu). They skip, with the reason, where cubie
// was built without CUDA or no device is usable.
#include <gtest/gtest.h>

#if defined(CUBIE_WITH_CUDA)

#include <cuda_runtime_api.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "byte_literals.hpp"
#include "cubie/core/error.hpp"
#include "cubie/memory/cuda_async_resource.hpp"
#include "cubie/memory/cuda_check.hpp"
#include "cubie/memory/cuda_device_resource.hpp"
#include "cubie/memory/cuda_pool_resource.hpp"
#include "cubie/memory/device_memory_stack.hpp"
#include "cubie/memory/limiting_resource_adaptor.hpp"
#include "cubie/memory/memory_manager.hpp"
#include "cubie/memory/pinned_host_pool.hpp"
#include "cubie/memory/pinned_host_resource.hpp"
#include "cubie/memory/statistics_resource_adaptor.hpp"
#include "cubie/memory/stream_group.hpp"

using namespace cubie::memory;
using namespace cubie::test_literals;

namespace {

class memory_gpu : public ::testing::Test {
 protected:
  void SetUp() override {
    int n = 0;
    const cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      GTEST_SKIP() << "no usable CUDA device: cudaGetDeviceCount failed with " << cudaGetErrorName(e) << " ("
                   << cudaGetErrorString(e) << ")";
    }
    if (n == 0) GTEST_SKIP() << "no CUDA device present";
    CUBIE_CUDA_TRY(cudaStreamCreateWithFlags(&raw_, cudaStreamNonBlocking));
    CUBIE_CUDA_TRY(cudaStreamCreateWithFlags(&raw2_, cudaStreamNonBlocking));
  }
  void TearDown() override {
    if (raw_ != nullptr) cudaStreamDestroy(raw_);
    if (raw2_ != nullptr) cudaStreamDestroy(raw2_);
  }
  [[nodiscard]] stream_view stream() const { return stream_view{raw_}; }
  [[nodiscard]] stream_view stream2() const { return stream_view{raw2_}; }

  // Allocates a few sizes, fills each on the device, reads it back and frees it.
  void exercise(device_resource_ref r, bool host_memory) {
    for (std::size_t bytes : {std::size_t{1}, std::size_t{4_KiB}, std::size_t{3_MiB + 5}, std::size_t{64_MiB}}) {
      void* p = r.allocate(bytes, stream());
      ASSERT_NE(p, nullptr) << bytes;
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 256, 0u);
      CUBIE_CUDA_TRY(cudaMemsetAsync(p, 0x5a, bytes, raw_));
      std::vector<unsigned char> back(bytes);
      CUBIE_CUDA_TRY(cudaMemcpyAsync(back.data(), p, bytes, cudaMemcpyDefault, raw_));
      CUBIE_CUDA_TRY(cudaStreamSynchronize(raw_));
      EXPECT_EQ(back.front(), 0x5a);
      EXPECT_EQ(back.back(), 0x5a);
      if (host_memory) {
        EXPECT_EQ(static_cast<unsigned char*>(p)[bytes / 2], 0x5a);
      }
      r.deallocate(p, bytes, stream());
    }
    void* q = r.allocate_sync(1_MiB);
    CUBIE_CUDA_TRY(cudaMemset(q, 0, 1_MiB));
    r.deallocate_sync(q, 1_MiB);
    CUBIE_CUDA_TRY(cudaDeviceSynchronize());
  }

  cudaStream_t raw_ = nullptr;
  cudaStream_t raw2_ = nullptr;
};

}  // namespace

TEST_F(memory_gpu, device_resource_allocates_writes_and_frees) {
  cuda_device_resource r(0);
  exercise(r, false);
  EXPECT_TRUE(r == cuda_device_resource(0));
}

TEST_F(memory_gpu, device_exhaustion_is_out_of_memory_and_recoverable) {
  cuda_device_resource r(0);
  try {
    (void)r.allocate(std::size_t{1} << 52, stream());
    FAIL() << "expected out_of_memory";
  } catch (const cubie::out_of_memory& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cudaMalloc"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cudaErrorMemoryAllocation"), std::string::npos) << msg;
    EXPECT_NE(msg.find(std::to_string(std::size_t{1} << 52)), std::string::npos) << msg;
  }
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);  // cleared: the next call is not blamed
  exercise(r, false);
}

TEST_F(memory_gpu, non_sticky_errors_become_device_errors) {
  try {
    CUBIE_CUDA_TRY(cudaSetDevice(9999));
    FAIL() << "expected device_error";
  } catch (const cubie::device_error& e) {
    EXPECT_FALSE(e.sticky());
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cudaSetDevice(9999)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cudaErrorInvalidDevice"), std::string::npos) << msg;
    EXPECT_NE(msg.find("gpu_resources_test.cpp:"), std::string::npos) << msg;
  }
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_TRUE(is_sticky_cuda_error(cudaErrorIllegalAddress));
  EXPECT_FALSE(is_sticky_cuda_error(cudaErrorMemoryAllocation));
}

TEST_F(memory_gpu, pool_allocates_writes_and_frees) {
  cuda_pool_resource pool(0);
  exercise(pool, false);
}

TEST_F(memory_gpu, pool_reuses_blocks_across_rounds) {
  cuda_device_resource device(0);
  statistics_resource_adaptor upstream{device_resource_ref(device)};
  cuda_pool_resource pool(0, upstream);
  const std::vector<std::size_t> sizes{1_MiB, 8_MiB + 100, 32_MiB, 4_KiB};
  auto round = [&](stream_view s) {
    std::vector<void*> ptrs;
    for (std::size_t n : sizes) {
      ptrs.push_back(pool.allocate(n, s));
      CUBIE_CUDA_TRY(cudaMemsetAsync(ptrs.back(), 1, n, s.value()));
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) pool.deallocate(ptrs[i], sizes[i], s);
  };
  round(stream());
  const std::int64_t first = upstream.allocation_calls();
  EXPECT_EQ(first, static_cast<std::int64_t>(sizes.size()));
  round(stream());   // same stream: reused at once
  round(stream2());  // another stream: reused after waiting on the events
  CUBIE_CUDA_TRY(cudaDeviceSynchronize());
  EXPECT_EQ(upstream.allocation_calls(), first) << "the second and third rounds must not call cudaMalloc";
  EXPECT_EQ(pool.upstream_allocations(), sizes.size());
  EXPECT_GT(pool.cached_bytes(), 0u);
  EXPECT_EQ(pool.cached_bytes(), pool.reserved_bytes());
  void* s = pool.allocate_sync(1_MiB);  // synchronous reuse waits on the host
  pool.deallocate_sync(s, 1_MiB);
  EXPECT_EQ(upstream.allocation_calls(), first);
  pool.release();
  EXPECT_EQ(pool.cached_bytes(), 0u);
  EXPECT_EQ(upstream.current_bytes(), 0);
}

TEST_F(memory_gpu, pool_drops_its_cache_when_upstream_is_exhausted) {
  cuda_device_resource cuda(0);
  statistics_resource_adaptor device{device_resource_ref(cuda)};
  limiting_resource_adaptor limit{device_resource_ref(device), 16_MiB};
  cuda_pool_resource pool(0, limit);
  void* a = pool.allocate(12_MiB, stream());
  pool.deallocate(a, 12_MiB, stream());      // cached: 12 MiB of the 16 held
  void* b = pool.allocate(8_MiB, stream());  // does not fit beside the cache: cache dropped, retried
  EXPECT_EQ(pool.cached_bytes(), 0u);
  EXPECT_EQ(limit.held_bytes(), 8_MiB);
  pool.deallocate(b, 8_MiB, stream());
  EXPECT_THROW((void)pool.allocate(20_MiB, stream()), cubie::out_of_memory);
}

TEST_F(memory_gpu, async_allocates_writes_and_frees) {
  cuda_async_resource async(0, 256_MiB);
  exercise(async, false);
  EXPECT_EQ(async.release_threshold(), 256_MiB);
}

TEST_F(memory_gpu, async_keeps_reserved_memory_for_the_next_round) {
  cuda_async_resource async(0, 512_MiB);
  auto round = [&] {
    void* a = async.allocate(64_MiB, stream());
    void* b = async.allocate(32_MiB, stream());
    CUBIE_CUDA_TRY(cudaMemsetAsync(a, 0, 64_MiB, raw_));
    CUBIE_CUDA_TRY(cudaMemsetAsync(b, 0, 32_MiB, raw_));
    async.deallocate(a, 64_MiB, stream());
    async.deallocate(b, 32_MiB, stream());
    CUBIE_CUDA_TRY(cudaStreamSynchronize(raw_));
    CUBIE_CUDA_TRY(cudaDeviceSynchronize());
  };
  round();
  const std::uint64_t high = async.reserved_high_water();
  EXPECT_GE(high, 96_MiB);
  EXPECT_GE(async.reserved_bytes(), 96_MiB) << "the release threshold must keep the memory after a sync";
  EXPECT_GE(async.used_high_water(), 96_MiB);
  EXPECT_EQ(async.used_bytes(), 0u);
  round();
  EXPECT_EQ(async.reserved_high_water(), high) << "the second round must reuse the reserved memory";
  async.trim(0);
  EXPECT_EQ(async.reserved_bytes(), 0u);
  async.reset_high_water();
  EXPECT_EQ(async.reserved_high_water(), 0u);
}

TEST_F(memory_gpu, pinned_host_resource_allocates_writes_and_frees) {
  pinned_host_resource pinned;
  exercise(pinned, true);
}

// Both upstreams give page-locked host memory the device copies into asynchronously: a
// registered block (fresh huge-page memory faulted in by the copy threads) and a
// cudaHostAlloc one. A device-to-host copy of a pattern lands whole, the block counts as host
// memory known to CUDA, and frees leave no registration behind (a second round reuses the
// addresses freely).
TEST_F(memory_gpu, pinned_host_resource_both_methods_give_pinned_memory) {
  for (pinning_method m : {pinning_method::register_pages, pinning_method::host_alloc}) {
    SCOPED_TRACE(pinning_method_name(m));
    pinned_host_resource pinned(m);
    EXPECT_EQ(pinned.method(), m);
    exercise(pinned, true);
    for (int round = 0; round < 2; ++round) {
      // 300 KiB + 5 and 1 MiB: registered in 4 KiB pages (from CUBIE_REGISTER_FROM = 256 KiB on);
      // 24 MiB: in huge pages.
      for (std::size_t bytes : {std::size_t{300_KiB + 5}, std::size_t{1_MiB}, std::size_t{24_MiB + 4_KiB + 3}}) {
        auto* p = static_cast<unsigned char*>(pinned.allocate_sync(bytes));
        ASSERT_NE(p, nullptr);
        cudaPointerAttributes attr{};
        CUBIE_CUDA_TRY(cudaPointerGetAttributes(&attr, p));
        EXPECT_EQ(attr.type, cudaMemoryTypeHost) << bytes << " bytes: not page-locked memory CUDA knows";
        std::vector<unsigned char> pattern(bytes);
        for (std::size_t i = 0; i < bytes; ++i) pattern[i] = static_cast<unsigned char>(i * 131 + round);
        void* d = nullptr;
        CUBIE_CUDA_TRY(cudaMalloc(&d, bytes));
        CUBIE_CUDA_TRY(cudaMemcpy(d, pattern.data(), bytes, cudaMemcpyHostToDevice));
        std::memset(p, 0, bytes);
        CUBIE_CUDA_TRY(cudaMemcpyAsync(p, d, bytes, cudaMemcpyDeviceToHost, raw_));
        CUBIE_CUDA_TRY(cudaStreamSynchronize(raw_));
        EXPECT_EQ(std::memcmp(p, pattern.data(), bytes), 0) << bytes << " bytes";
        CUBIE_CUDA_TRY(cudaFree(d));
        pinned.deallocate_sync(p, bytes);
      }
    }
  }
}

TEST_F(memory_gpu, pinned_pool_reuses_blocks_and_honours_its_bound) {
  pinned_host_resource pinned;
  statistics_resource_adaptor upstream{device_resource_ref(pinned)};
  pinned_host_pool pool(16_MiB, 0, upstream);
  exercise(pool, true);

  const std::int64_t before = upstream.allocation_calls();
  for (int round = 0; round < 3; ++round) {
    void* p = pool.allocate(4_MiB, stream());
    std::memset(p, round, 4_MiB);
    void* d = nullptr;
    CUBIE_CUDA_TRY(cudaMallocAsync(&d, 4_MiB, raw_));
    CUBIE_CUDA_TRY(cudaMemcpyAsync(d, p, 4_MiB, cudaMemcpyHostToDevice, raw_));
    CUBIE_CUDA_TRY(cudaFreeAsync(d, raw_));
    pool.deallocate(p, 4_MiB, stream());  // the copy may still be reading it
  }
  CUBIE_CUDA_TRY(cudaStreamSynchronize(raw_));
  EXPECT_LE(upstream.allocation_calls(), before + 1) << "later rounds must reuse the cached pinned block";

  // A block over the bound is freed on return instead of cached.
  const std::int64_t held_before = upstream.current_bytes();
  void* big = pool.allocate(32_MiB, stream());
  pool.deallocate(big, 32_MiB, stream());
  EXPECT_LE(pool.cached_bytes(), 16_MiB);
  EXPECT_EQ(upstream.current_bytes(), held_before);
  pool.set_max_cached_bytes(0);
  EXPECT_EQ(pool.cached_bytes(), 0u);
  EXPECT_EQ(upstream.current_bytes(), 0);
}

TEST_F(memory_gpu, stacks_for_each_allocator) {
  memory_manager& manager = memory_manager::for_device(0);
  const device_memory_info info = manager.device_info();
  EXPECT_GT(info.total, 0u);
  EXPECT_LE(info.free, info.total);
  for (allocator_kind kind : {allocator_kind::default_, allocator_kind::pool, allocator_kind::async}) {
    SCOPED_TRACE(std::string(to_string(kind)));
    auto reg = manager.register_solver(0.25);
    device_memory_stack stack(kind, 0, 256_MiB, reg.account());
    exercise(stack.resource(), false);

    // Steady state: a second identical round makes no device allocation except with default.
    auto round = [&] {
      void* a = stack.resource().allocate(100_MiB, stream());
      CUBIE_CUDA_TRY(cudaMemsetAsync(a, 0, 100_MiB, raw_));
      EXPECT_GE(reg.held_bytes(), 100_MiB);
      stack.resource().deallocate(a, 100_MiB, stream());
      CUBIE_CUDA_TRY(cudaStreamSynchronize(raw_));
    };
    round();
    const std::int64_t calls = stack.device_statistics().allocation_calls();
    stack.statistics().push_counters();
    round();
    const resource_statistics solve = stack.statistics().pop_counters();
    EXPECT_EQ(solve.bytes.peak, static_cast<std::int64_t>(100_MiB));
    EXPECT_EQ(solve.allocations.total, 1);
    if (kind == allocator_kind::pool) {
      EXPECT_EQ(stack.device_statistics().allocation_calls(), calls);
    }
    if (kind == allocator_kind::async) {
      EXPECT_GE(stack.cached_bytes(), 100_MiB);
      EXPECT_GE(manager.available_bytes(reg, stack.cached_bytes()), 0u);
    }
    if (kind == allocator_kind::default_) {
      EXPECT_EQ(reg.held_bytes(), 0u);
    }

    // The budget is enforced.
    EXPECT_THROW((void)stack.resource().allocate(300_MiB, stream()), cubie::out_of_memory);
    stack.release();
    EXPECT_EQ(stack.cached_bytes(), 0u);
    EXPECT_EQ(reg.held_bytes(), 0u);
  }
}

TEST_F(memory_gpu, stream_groups_create_distinct_non_default_streams) {
  stream_group_registry registry;
  auto m = registry.join("gpu_test", 0, 3);
  std::vector<stream_view> seen;
  for (int i = 0; i < 3; ++i) seen.push_back(m.group().next_stream());
  EXPECT_TRUE(m.group().streams_created());
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(seen[i].is_default());
    for (int j = i + 1; j < 3; ++j) EXPECT_NE(seen[i], seen[j]);
  }
  unsigned flags = 0;
  CUBIE_CUDA_TRY(cudaStreamGetFlags(seen[0].value(), &flags));
  EXPECT_EQ(flags & cudaStreamNonBlocking, static_cast<unsigned>(cudaStreamNonBlocking));
  EXPECT_EQ(m.group().next_stream(), seen[0]);
}

#else  // built without CUDA

TEST(memory_gpu, skipped) { GTEST_SKIP() << "cubie was built without CUDA (CUBIE_WITH_CUDA is not defined)"; }

#endif
