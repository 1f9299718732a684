// tests/memory/host_staging_policy_test.cpp
// The GPU solve's host staging policy (CUBIE_HOST_STAGING, CUBIE_PAGEABLE_UP_TO) and the
// pinning threshold (CUBIE_REGISTER_FROM): values parsed exactly, every bad value refused
// with a message naming the variable and the value, and the per-solve decision of each mode.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "cubie/core/error.hpp"
#include "cubie/memory/host_staging_policy.hpp"

namespace {

using cubie::memory::host_staging;
using cubie::memory::host_staging_policy;
using cubie::memory::parse_host_staging_policy;
using cubie::memory::parse_register_from;
using cubie::memory::stage_through_pageable;

TEST(HostStagingPolicy, DefaultsWhenUnset) {
  for (const char* unset : {static_cast<const char*>(nullptr), ""}) {
    const host_staging_policy p = parse_host_staging_policy(unset, unset);
    EXPECT_EQ(p.mode, host_staging::first_pageable);
    EXPECT_EQ(p.pageable_up_to, std::uint64_t{256} << 20);
    EXPECT_TRUE(p.populate_results);
  }
}

TEST(HostStagingPolicy, ParsesEveryModeAndSize) {
  EXPECT_EQ(parse_host_staging_policy("pinned", nullptr).mode, host_staging::pinned);
  EXPECT_EQ(parse_host_staging_policy("pageable", nullptr).mode, host_staging::pageable);
  EXPECT_EQ(parse_host_staging_policy("first_pageable", nullptr).mode, host_staging::first_pageable);
  EXPECT_EQ(parse_host_staging_policy(nullptr, "1000").pageable_up_to, 1000u);
  EXPECT_EQ(parse_host_staging_policy(nullptr, "64K").pageable_up_to, 65536u);
  EXPECT_EQ(parse_host_staging_policy(nullptr, "3m").pageable_up_to, 3u << 20);
  EXPECT_EQ(parse_host_staging_policy(nullptr, "2G").pageable_up_to, std::uint64_t{2} << 30);
  EXPECT_EQ(parse_host_staging_policy(nullptr, "0").pageable_up_to, 0u);
  for (host_staging s : {host_staging::pinned, host_staging::pageable, host_staging::first_pageable})
    EXPECT_EQ(parse_host_staging_policy(cubie::memory::host_staging_name(s).c_str(), nullptr).mode, s);
}

TEST(HostStagingPolicy, PopulateIsZeroOrOne) {
  EXPECT_FALSE(parse_host_staging_policy(nullptr, nullptr, "0").populate_results);
  EXPECT_TRUE(parse_host_staging_policy(nullptr, nullptr, "1").populate_results);
  try {
    (void)parse_host_staging_policy(nullptr, nullptr, "yes");
    FAIL() << "accepted";
  } catch (const cubie::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("CUBIE_POPULATE_RESULTS = 'yes'"), std::string::npos) << e.what();
  }
}

TEST(HostStagingPolicy, RefusesBadValuesNamingThem) {
  try {
    (void)parse_host_staging_policy("pinnned", nullptr);
    FAIL() << "a misspelt mode was accepted";
  } catch (const cubie::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("CUBIE_HOST_STAGING"), std::string::npos) << m;
    EXPECT_NE(m.find("'pinnned'"), std::string::npos) << m;
    EXPECT_NE(m.find("first_pageable"), std::string::npos) << m;
  }
  for (const char* bad : {"-1", "12X", "1.5G", "K", "1KB", "99999999999999999999", "20000000000G"}) {
    try {
      (void)parse_host_staging_policy(nullptr, bad);
      FAIL() << "CUBIE_PAGEABLE_UP_TO = " << bad << " was accepted";
    } catch (const cubie::invalid_argument& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("CUBIE_PAGEABLE_UP_TO"), std::string::npos) << m;
      EXPECT_NE(m.find(std::string("'") + bad + "'"), std::string::npos) << m;
    }
  }
}

TEST(HostStagingPolicy, DecidesPerSolve) {
  const std::uint64_t bound = std::uint64_t{256} << 20;
  host_staging_policy p;
  p.pageable_up_to = bound;
  p.mode = host_staging::pinned;
  EXPECT_FALSE(stage_through_pageable(p, true, 1));
  p.mode = host_staging::pageable;
  EXPECT_TRUE(stage_through_pageable(p, false, std::uint64_t{1} << 40));
  p.mode = host_staging::first_pageable;
  // B1: 16.8 MB of inputs and 67.1 MB of results; B3: 5.1 GB of results.
  const std::uint64_t b1 = 4194304ull * 4 + 4194304ull * 16, b3 = 4194304ull * 4 + 4194304ull * 1216;
  EXPECT_TRUE(stage_through_pageable(p, true, b1));
  EXPECT_TRUE(stage_through_pageable(p, true, bound));
  EXPECT_FALSE(stage_through_pageable(p, true, bound + 1));
  EXPECT_FALSE(stage_through_pageable(p, true, b3));
  EXPECT_FALSE(stage_through_pageable(p, false, b1)) << "only the first solve goes through pageable memory";
}

TEST(RegisterFrom, ParsesAndRefuses) {
  EXPECT_EQ(parse_register_from(nullptr), std::size_t{256} << 10);
  EXPECT_EQ(parse_register_from(""), std::size_t{256} << 10);
  EXPECT_EQ(parse_register_from("0"), 0u);
  EXPECT_EQ(parse_register_from("2M"), std::size_t{2} << 20);
  EXPECT_EQ(parse_register_from("4096"), 4096u);
  try {
    (void)parse_register_from("two megabytes");
    FAIL() << "accepted";
  } catch (const cubie::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("CUBIE_REGISTER_FROM = 'two megabytes'"), std::string::npos) << e.what();
  }
}

}  // namespace
