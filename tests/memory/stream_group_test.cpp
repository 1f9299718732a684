#include "cubie/memory/stream_group.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cubie/core/error.hpp"
#include "cubie/memory/device_info.hpp"

using namespace cubie::memory;

TEST(memory_stream_group, joining_a_name_shares_one_group) {
  stream_group_registry registry;
  auto a = registry.join("default");
  auto b = registry.join("default");
  auto c = registry.join("other");
  EXPECT_EQ(&a.group(), &b.group());
  EXPECT_NE(&a.group(), &c.group());
  EXPECT_EQ(a.group().members(), 2);
  EXPECT_EQ(c.group().members(), 1);
  EXPECT_EQ(a.group().name(), "default");
  EXPECT_EQ(a.group().stream_count(), stream_group::default_stream_count);
  EXPECT_EQ(registry.group_count(), 2u);
  // The same name on another device is another group (streams belong to one device).
  auto d = registry.join("default", 1);
  EXPECT_NE(&a.group(), &d.group());
  EXPECT_EQ(d.group().device(), 1);
  EXPECT_EQ(registry.group_count(), 3u);
}

TEST(memory_stream_group, a_group_ends_with_its_last_member) {
  stream_group_registry registry;
  {
    auto a = registry.join("g");
    {
      auto b = registry.join("g");
      EXPECT_EQ(a.group().members(), 2);
    }
    EXPECT_EQ(a.group().members(), 1);
    auto moved = std::move(a);
    EXPECT_FALSE(static_cast<bool>(a));
    EXPECT_EQ(moved.group().members(), 1);
    EXPECT_EQ(registry.group_count(), 1u);
  }
  EXPECT_EQ(registry.group_count(), 0u);
  auto again = registry.join("g", 0, 3);  // created anew, so a new stream count is fine
  EXPECT_EQ(again.group().stream_count(), 3);
}

TEST(memory_stream_group, round_robin_over_the_streams) {
  stream_group_registry registry;
  auto a = registry.join("rr", 0, 3);
  auto b = registry.join("rr");  // members share one cursor
  std::vector<int> seen;
  for (int i = 0; i < 3; ++i) {
    seen.push_back(a.group().next_index());
    seen.push_back(b.group().next_index());
  }
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 0, 1, 2}));
}

TEST(memory_stream_group, round_robin_is_thread_safe) {
  stream_group group("threads", 0, 4);
  std::vector<std::thread> threads;
  std::vector<std::vector<int>> counts(8, std::vector<int>(4, 0));
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) ++counts[t][group.next_index()];
    });
  }
  for (auto& th : threads) th.join();
  for (int s = 0; s < 4; ++s) {
    int total = 0;
    for (int t = 0; t < 8; ++t) total += counts[t][s];
    EXPECT_EQ(total, 2000);  // 8000 picks spread exactly evenly over 4 streams
  }
}

TEST(memory_stream_group, invalid_groups) {
  stream_group_registry registry;
  EXPECT_THROW((void)registry.join(""), cubie::invalid_argument);
  EXPECT_THROW((void)registry.join("g", -1), cubie::invalid_argument);
  EXPECT_THROW((void)registry.join("g", 0, 1), cubie::invalid_argument);
  auto g = registry.join("g", 0, 4);
  try {
    (void)registry.join("g", 0, 2);
    FAIL() << "expected invalid_argument";
  } catch (const cubie::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("stream_count = 2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("exists with 4"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW((void)registry.join("g"));
  EXPECT_THROW((stream_group{"x", 0, 0}), cubie::invalid_argument);
  EXPECT_THROW((void)g.group().stream(4), cubie::invalid_argument);
}

TEST(memory_stream_group, bookkeeping_makes_no_cuda_call) {
  // Joining and round-robin never create streams: a CPU-only process makes no CUDA call.
  stream_group_registry registry;
  auto g = registry.join("lazy");
  (void)g.group().next_index();
  EXPECT_FALSE(g.group().streams_created());
  if (cuda_device_count() == 0) {
    // Asking for a real stream where there is no GPU is a clear device_error.
    EXPECT_THROW((void)g.group().next_stream(), cubie::device_error);
    EXPECT_FALSE(g.group().streams_created());
  } else {
    const stream_view s0 = g.group().next_stream();
    const stream_view s1 = g.group().next_stream();
    EXPECT_TRUE(g.group().streams_created());
    EXPECT_NE(s0, s1);
    EXPECT_FALSE(s0.is_default());
    EXPECT_EQ(g.group().next_stream(), s0);
  }
}

TEST(memory_stream_group, the_global_registry_is_one_object) {
  EXPECT_EQ(&stream_group_registry::global(), &stream_group_registry::global());
  auto m = stream_group_registry::global().join("memory_test_global");
  EXPECT_EQ(m.group().members(), 1);
}
