// tests/execution/parallel_copy_test.cpp
// The copy threads' helpers: parallel_blocks calls the body once per block and passes its
// exceptions on; parallel_touch leaves every page of fresh memory resident (mincore) and
// reading zero; parallel_populate does so too and keeps what was written; parallel_copy moves
// pieces of any size exactly.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "cubie/execution/parallel_copy.hpp"

namespace {

TEST(ParallelBlocks, CallsTheBodyOncePerBlock) {
  for (std::int64_t n : {0, 1, 7, 1000}) {
    std::vector<std::atomic<int>> calls(static_cast<std::size_t>(n));
    cubie::parallel_blocks(n, [&](std::int64_t k) { calls[static_cast<std::size_t>(k)].fetch_add(1); });
    for (std::int64_t k = 0; k < n; ++k) EXPECT_EQ(calls[static_cast<std::size_t>(k)].load(), 1) << "block " << k;
  }
}

TEST(ParallelBlocks, PassesTheBodysExceptionOn) {
  EXPECT_THROW(cubie::parallel_blocks(64,
                                      [](std::int64_t k) {
                                        if (k == 37) throw std::runtime_error("block 37");
                                      }),
               std::runtime_error);
  // The threads serve the next caller as before.
  std::atomic<std::int64_t> sum{0};
  cubie::parallel_blocks(100, [&](std::int64_t k) { sum += k; });
  EXPECT_EQ(sum.load(), 4950);
}

// Pages of [p, p + bytes) that are resident.
std::size_t resident_pages(void* p, std::size_t bytes) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in((bytes + page - 1) / page);
  EXPECT_EQ(::mincore(p, bytes, in.data()), 0);
  std::size_t n = 0;
  for (unsigned char c : in) n += (c & 1u);
  return n;
}

TEST(ParallelTouch, FaultsInEveryPageOfFreshMemory) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  // Below the threshold (one thread), and over it with a ragged end.
  for (std::size_t bytes : {std::size_t{100} * page, (std::size_t{24} << 20) + 3 * page + 17}) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(p, MAP_FAILED);
    const std::size_t pages = (bytes + page - 1) / page;
    ASSERT_LT(resident_pages(p, bytes), pages) << "fresh anonymous memory should not be resident yet";
    cubie::parallel_touch(p, bytes);
    EXPECT_EQ(resident_pages(p, bytes), pages) << bytes << " bytes";
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < bytes; i += 4093) ASSERT_EQ(c[i], 0u) << "offset " << i;
    ::munmap(p, bytes);
  }
}

// parallel_populate: every page resident afterwards and what was written before is kept
// (a result block the device is about to fill may already hold data: never zeroed). Skipped
// where the kernel lacks MADV_POPULATE_WRITE (it must then report false and change nothing).
TEST(ParallelPopulate, FaultsPagesInAndKeepsContents) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  for (std::size_t bytes : {std::size_t{37} * page + 5, (std::size_t{24} << 20) + 5 * page + 3}) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(p, MAP_FAILED);
    auto* c = static_cast<unsigned char*>(p);
    // Data in a few pages: the first, one in the middle, the last byte.
    c[0] = 11;
    c[bytes / 2] = 22;
    c[bytes - 1] = 33;
    const std::size_t pages = (bytes + page - 1) / page;
    ASSERT_LT(resident_pages(p, bytes), pages) << "fresh anonymous memory should not be resident yet";
    // Starting inside a page (not aligned) covers that page too.
    const bool supported = cubie::parallel_populate(c + 1, bytes - 1);
    if (!supported) {
      ::munmap(p, bytes);
      GTEST_SKIP() << "the kernel has no MADV_POPULATE_WRITE";
    }
    EXPECT_EQ(resident_pages(p, bytes), pages) << bytes << " bytes";
    EXPECT_EQ(c[0], 11u);
    EXPECT_EQ(c[bytes / 2], 22u);
    EXPECT_EQ(c[bytes - 1], 33u);
    for (std::size_t i = 1; i < bytes - 1; i += 4093) {
      if (i != bytes / 2) {
        ASSERT_EQ(c[i], 0u) << "offset " << i;
      }
    }
    ::munmap(p, bytes);
  }
}

TEST(ParallelCopy, CopiesPiecesOfEverySize) {
  // A large block (parallel) and many small rows (one pass), with distinct bytes everywhere.
  const std::size_t big = (std::size_t{20} << 20) + 11;
  std::vector<unsigned char> src(big), dst(big, 0);
  for (std::size_t i = 0; i < big; ++i) src[i] = static_cast<unsigned char>((i * 2654435761u) >> 13);
  cubie::parallel_copy(dst.data(), src.data(), big);
  EXPECT_EQ(std::memcmp(dst.data(), src.data(), big), 0);

  std::vector<unsigned char> rows(big, 0);
  const std::size_t width = 1000, pitch = 1500;
  const std::int64_t n_rows = static_cast<std::int64_t>(big / pitch);
  cubie::parallel_copy_rows(rows.data(), pitch, src.data(), width, width, n_rows);
  for (std::int64_t r = 0; r < n_rows; ++r) {
    ASSERT_EQ(std::memcmp(rows.data() + static_cast<std::size_t>(r) * pitch, src.data() + static_cast<std::size_t>(r) * width,
                          width),
              0)
        << "row " << r;
    ASSERT_EQ(rows[static_cast<std::size_t>(r) * pitch + width], 0u) << "the gap after row " << r << " is left alone";
  }
}

}  // namespace
