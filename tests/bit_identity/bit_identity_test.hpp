// tests/bit_identity/bit_identity_test.hpp
// Checks a backend's digests against a reference file, or records it when
// CUBIE_RECORD_BIT_IDENTITY is set.
#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "bit_identity_cases.hpp"

namespace cubie::test {

inline void check_against_reference(const digest_map& got, const std::string& file) {
  const std::string path = std::string(CUBIE_BIT_IDENTITY_DIR) + "/" + file;
  if (std::getenv("CUBIE_RECORD_BIT_IDENTITY") != nullptr) {
    write_digests(path, got);
    GTEST_SKIP() << "recorded " << got.size() << " digests to " << path;
  }
  const digest_map want = read_digests(path);
  ASSERT_FALSE(want.empty()) << "no reference digests in " << path;
  EXPECT_EQ(want.size(), got.size()) << "the set of cases changed";
  for (const auto& [name, d] : want) {
    auto it = got.find(name);
    if (it == got.end()) {
      ADD_FAILURE() << name << ": case no longer solved";
      continue;
    }
    EXPECT_EQ(d, it->second) << name << ": outputs differ from the recorded ones";
  }
}

}  // namespace cubie::test
