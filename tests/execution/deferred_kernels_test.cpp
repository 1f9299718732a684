// tests/execution/deferred_kernels_test.cpp
// deferred_gpu_kernels, which holds the kernels a model compiler leaves for their first
// solve: each is built once however many threads ask at the same time, a build that throws
// is tried again by the next request, kernels registered built are never built again, and
// a key without a kernel answers null. No GPU: the builders here make stand-in kernels.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cubie/execution/deferred_kernels.hpp"

namespace {

using cubie::deferred_gpu_kernels;
using cubie::gpu_kernel;

// Stand-in kernel functions: only their addresses matter.
const int general_a = 0, general_b = 0, fixed_a = 0, fixed_b = 0;

TEST(DeferredGpuKernels, BuildsOnFirstNeedOnceAcrossThreads) {
  deferred_gpu_kernels kernels;
  std::atomic<int> calls{0};
  kernels.add(&general_a, [&] {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // others arrive while it builds
    return gpu_kernel{&fixed_a, "a, fixed-count path", nullptr};
  });
  kernels.add_built(&general_b, gpu_kernel{&fixed_b, "b, fixed-count path", nullptr});
  EXPECT_EQ(kernels.size(), 2u);
  EXPECT_FALSE(kernels.built(&general_a));
  EXPECT_TRUE(kernels.built(&general_b));
  EXPECT_EQ(calls.load(), 0);  // registering builds nothing

  std::vector<const gpu_kernel*> seen(8, nullptr);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) threads.emplace_back([&, i] { seen[i] = kernels.get(&general_a); });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  for (const gpu_kernel* k : seen) {
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k, seen.front());  // one kernel, at one address
    EXPECT_EQ(k->function, &fixed_a);
  }
  EXPECT_TRUE(kernels.built(&general_a));
  EXPECT_EQ(kernels.builds().first, 1);  // the one built by get(), not the one registered built

  const gpu_kernel* b = kernels.get(&general_b);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->function, &fixed_b);
  EXPECT_EQ(kernels.builds().first, 1);
  EXPECT_EQ(kernels.get(&fixed_a), nullptr);  // not a registered key
  EXPECT_FALSE(kernels.built(&fixed_a));
}

TEST(DeferredGpuKernels, ABuildThatThrowsIsTriedAgain) {
  deferred_gpu_kernels kernels;
  int calls = 0;
  kernels.add(&general_a, [&] {
    if (++calls == 1) throw std::runtime_error("the first build fails");
    return gpu_kernel{&fixed_a, "a", nullptr};
  });
  EXPECT_THROW((void)kernels.get(&general_a), std::runtime_error);
  EXPECT_FALSE(kernels.built(&general_a));
  EXPECT_EQ(kernels.builds().first, 0);
  const gpu_kernel* k = kernels.get(&general_a);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->function, &fixed_a);
  EXPECT_EQ(calls, 2);
  (void)kernels.get(&general_a);
  EXPECT_EQ(calls, 2);
}

}  // namespace
