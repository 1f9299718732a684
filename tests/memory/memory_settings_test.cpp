#include "cubie/memory/memory_settings.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "cubie/core/error.hpp"
#include "cubie/memory/allocator_kind.hpp"

using namespace cubie::memory;

namespace {
std::string message_of(const memory_settings& s) {
  try {
    s.validate();
  } catch (const cubie::invalid_argument& e) {
    return e.what();
  }
  return "(valid)";
}
}  // namespace

TEST(memory_settings, allocator_names_and_aliases) {
  EXPECT_EQ(parse_allocator_kind("default"), allocator_kind::default_);
  EXPECT_EQ(parse_allocator_kind("pool"), allocator_kind::pool);
  EXPECT_EQ(parse_allocator_kind("async"), allocator_kind::async);
  EXPECT_EQ(parse_allocator_kind("cupy"), allocator_kind::pool);
  EXPECT_EQ(parse_allocator_kind("cupy_async"), allocator_kind::async);
  EXPECT_EQ(parse_allocator_kind("CuPy-Async"), allocator_kind::async);
  EXPECT_EQ(parse_allocator_kind("POOL"), allocator_kind::pool);
  EXPECT_EQ(parse_allocator_kind("Default"), allocator_kind::default_);
  for (allocator_kind k : {allocator_kind::default_, allocator_kind::pool, allocator_kind::async}) {
    EXPECT_EQ(parse_allocator_kind(to_string(k)), k);
  }
}

TEST(memory_settings, unknown_allocator_lists_the_valid_names) {
  for (const char* bad : {"rmm", "", "pool2", "cupyasync"}) {
    try {
      (void)parse_allocator_kind(bad);
      FAIL() << "expected invalid_argument for " << bad;
    } catch (const cubie::invalid_argument& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("\"" + std::string(bad) + "\""), std::string::npos) << msg;
      for (const char* name : {"default", "pool", "async", "cupy", "cupy_async"}) {
        EXPECT_NE(msg.find(name), std::string::npos) << msg;
      }
    }
  }
}

TEST(memory_settings, defaults_are_valid) {
  const memory_settings s;
  EXPECT_NO_THROW(s.validate());
  EXPECT_EQ(s.allocator_kind_value(), allocator_kind::default_);
  EXPECT_FALSE(s.mem_proportion.has_value());
  EXPECT_EQ(s.stream_group, "default");
  EXPECT_EQ(s.pinned_pool_bytes, std::uint64_t{4} << 30);
  EXPECT_EQ(s.min_chunks, 2);
  EXPECT_EQ(s.max_chunk_runs, 0);
  EXPECT_EQ(s.host_budget_bytes, 0u);
}

TEST(memory_settings, each_field_is_checked_with_field_value_and_range) {
  memory_settings s;
  s.allocator = "fast";
  EXPECT_NE(message_of(s).find("allocator = \"fast\""), std::string::npos) << message_of(s);

  s = {};
  s.allocator = "cupy_async";
  EXPECT_EQ(message_of(s), "(valid)");

  for (double bad : {0.0, -1.0, 1.01, std::nan("")}) {
    s = {};
    s.mem_proportion = bad;
    const std::string msg = message_of(s);
    EXPECT_NE(msg.find("mem_proportion = "), std::string::npos) << msg;
    EXPECT_NE(msg.find("(0, 1]"), std::string::npos) << msg;
  }
  s = {};
  s.mem_proportion = 1.0;
  EXPECT_EQ(message_of(s), "(valid)");

  s = {};
  s.stream_group = "";
  EXPECT_NE(message_of(s).find("stream_group"), std::string::npos);

  s = {};
  s.min_chunks = 0;
  EXPECT_NE(message_of(s).find("min_chunks = 0"), std::string::npos) << message_of(s);
  EXPECT_NE(message_of(s).find(">= 1"), std::string::npos);

  s = {};
  s.max_chunk_runs = -3;
  EXPECT_NE(message_of(s).find("max_chunk_runs = -3"), std::string::npos) << message_of(s);
  EXPECT_NE(message_of(s).find(">= 0"), std::string::npos);
}

TEST(memory_settings, devices_are_all_or_distinct_device_numbers) {
  memory_settings s;
  EXPECT_EQ(message_of(s), "(valid)") << "empty: every visible device";
  s.devices = {2, 0};
  EXPECT_EQ(message_of(s), "(valid)");
  s.devices = {0, 1, 0};
  EXPECT_NE(message_of(s).find("devices = [0, 1, 0] is not allowed: device 0 is listed twice"), std::string::npos)
      << message_of(s);
  s.devices = {-1};
  EXPECT_NE(message_of(s).find("devices = [-1] is not allowed: device numbers start at 0, got -1"), std::string::npos)
      << message_of(s);
}

TEST(memory_settings, host_staging_is_a_known_mode_or_empty) {
  memory_settings s;
  for (const char* ok : {"", "pinned", "pageable", "first_pageable"}) {
    s.host_staging = ok;
    EXPECT_EQ(message_of(s), "(valid)") << ok;
  }
  s.host_staging = "Pinned";
  const std::string m = message_of(s);
  EXPECT_NE(m.find("host_staging = \"Pinned\""), std::string::npos) << m;
  EXPECT_NE(m.find("first_pageable"), std::string::npos) << m;
}
