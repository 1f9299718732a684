// tests/integrate/shared_factor_slices_test.cpp
// The shared-memory layout of the GPU Rosenbrock stepper's LU factors (shared_factor_slices.hpp),
// run on the CPU with an ordinary array standing in for the block's shared memory: every thread's
// values round-trip through keep/fetch while all threads of a block write the same array, the
// slices are disjoint and inside the 48 KB a block may declare, a warp's access of one value is
// one run of consecutive addresses, and the count per thread follows CUBIE_SHARED_LU_VALUES.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "cubie/integrate/shared_factor_slices.hpp"

namespace {

using namespace cubie;

TEST(SharedFactorSlices, CapacityFillsTheStaticSharedMemoryOfABlock) {
  EXPECT_EQ(shared_slice_capacity<double>(), 48);  // 48 x 128 threads x 8 B = 48 KB
  EXPECT_EQ(shared_slice_capacity<float>(), 96);
  EXPECT_LE(shared_slice_capacity<double>() * shared_slice_threads * int(sizeof(double)), shared_slice_block_bytes);
  EXPECT_GT((shared_slice_capacity<double>() + 1) * shared_slice_threads * int(sizeof(double)), shared_slice_block_bytes);
  // The default (-1): as many as fit, never more than the factors.
  EXPECT_EQ((shared_lu_values<double, 67>()), 48);  // the ring modulator's 67 factor entries
  EXPECT_EQ((shared_lu_values<double, 20>()), 20);
  EXPECT_EQ((shared_lu_values<float, 94>()), 94);
}

TEST(SharedFactorSlices, LayoutIsValueMajorAndDisjoint) {
  constexpr int values = shared_slice_capacity<double>();
  std::set<int> seen;
  for (int v = 0; v < values; ++v) {
    for (int t = 0; t < shared_slice_threads; ++t) {
      const int i = shared_slice_index(v, t);
      EXPECT_TRUE(seen.insert(i).second) << "value " << v << " thread " << t;
      EXPECT_LT(i, values * shared_slice_threads);
      if (t > 0) {
        EXPECT_EQ(i, shared_slice_index(v, t - 1) + 1);  // a warp reads consecutive words
      }
    }
  }
  EXPECT_EQ(int(seen.size()), values * shared_slice_threads);
}

template <int K, int KS>
void round_trip() {
  // One block's array; every thread keeps its own factors, then each fetches them back.
  std::vector<double> block(std::size_t(KS > 0 ? KS : 1) * shared_slice_threads, -1.0);
  std::vector<split_factors<double, K, KS>> threads(shared_slice_threads);
  auto value = [](int t, int k) { return 1000.0 * t + k + 0.5; };
  for (int t = 0; t < shared_slice_threads; ++t) {
    double f[K];
    for (int k = 0; k < K; ++k) f[k] = value(t, k);
    threads[std::size_t(t)].slice = block.data() + t;
    threads[std::size_t(t)].keep(f);
  }
  for (int t = 0; t < shared_slice_threads; ++t) {
    double f[K];
    threads[std::size_t(t)].fetch(f);
    for (int k = 0; k < K; ++k) ASSERT_EQ(f[k], value(t, k)) << "K " << K << " KS " << KS << " thread " << t << " value " << k;
  }
  // The block array holds exactly the first KS values of each thread, value-major.
  for (int k = 0; k < KS; ++k)
    for (int t = 0; t < shared_slice_threads; ++t) ASSERT_EQ(block[std::size_t(shared_slice_index(k, t))], value(t, k));
}

TEST(SharedFactorSlices, EveryThreadGetsItsFactorsBack) {
  round_trip<67, 48>();  // the ring modulator in float64: 48 shared, 19 held
  round_trip<67, 0>();   // CUBIE_SHARED_LU_VALUES=0: all held
  round_trip<20, 20>();  // all shared
  round_trip<94, 16>();
}

}  // namespace
