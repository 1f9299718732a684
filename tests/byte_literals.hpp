// tests/byte_literals.hpp
// Size literals for tests: 5_KiB, 5_MiB, 2_GiB read as what they mean.
#pragma once
#include <cstdint>

namespace cubie::test_literals {

constexpr std::uint64_t operator""_KiB(unsigned long long n) { return n << 10U; }
constexpr std::uint64_t operator""_MiB(unsigned long long n) { return n << 20U; }
constexpr std::uint64_t operator""_GiB(unsigned long long n) { return n << 30U; }

}  // namespace cubie::test_literals
