// tests/integrate/shared_factor_slices_test.cpp
// The shared-memory layout of the GPU Rosenbrock stepper's LU factors (shared_factor_slices.hpp),
// run on the CPU with an ordinary array standing in for the block's shared memory: every thread's
// values round-trip through keep/fetch while all threads of a block write the same array, the
// slices are disjoint and inside the 48 KB a block may declare, a warp's access of one value is
// one run of consecutive addresses, and the count per thread follows CUBIE_SHARED_LU_VALUES; the
// same for the 64-thread block of kernels whose factors do not fit at 128 (CUBIE_SPLIT_BLOCK).
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "cubie/backends/cuda/launch_geometry.hpp"
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

TEST(SharedFactorSlices, SmallerBlockWhereTheFactorsDoNotFit) {
  // 64 threads hold twice the values: the ring modulator's 67 in float64 (34 KB), all of them.
  EXPECT_EQ((shared_slice_capacity<double, shared_split_block_threads>()), 96);
  EXPECT_EQ((shared_slice_capacity<float, shared_split_block_threads>()), 192);
  // The default (CUBIE_SPLIT_BLOCK=1, CUBIE_SHARED_LU_VALUES=-1): 64 threads for 67 float64
  // factor values, 128 where they fit a block of 128 (float32, or fewer values).
  EXPECT_EQ((shared_lu_threads<double, 67>()), shared_split_block_threads);
  EXPECT_EQ((shared_lu_values<double, 67, shared_lu_threads<double, 67>()>()), 67);
  EXPECT_LE(67 * shared_split_block_threads * int(sizeof(double)), shared_slice_block_bytes);
  EXPECT_EQ((shared_lu_threads<double, 48>()), shared_slice_threads);
  EXPECT_EQ((shared_lu_threads<float, 67>()), shared_slice_threads);
  EXPECT_EQ((shared_lu_threads<float, 96>()), shared_slice_threads);
  EXPECT_EQ((shared_lu_threads<float, 97>()), shared_split_block_threads);
  // Whole warps, and the same occupancy: 4 blocks of 64 with all 67 values fit 227 KB per SM.
  EXPECT_EQ(shared_split_block_threads % 32, 0);
  EXPECT_LE(4 * 67 * shared_split_block_threads * int(sizeof(double)), 227 * 1024);
}

template <int T>
void value_major_and_disjoint() {
  constexpr int values = shared_slice_capacity<double, T>();
  std::set<int> seen;
  for (int v = 0; v < values; ++v) {
    for (int t = 0; t < T; ++t) {
      const int i = shared_slice_index<T>(v, t);
      EXPECT_TRUE(seen.insert(i).second) << "block " << T << " value " << v << " thread " << t;
      EXPECT_LT(i, values * T);
      if (t > 0) {
        EXPECT_EQ(i, shared_slice_index<T>(v, t - 1) + 1);  // a warp reads consecutive words
      }
    }
  }
  EXPECT_EQ(int(seen.size()), values * T);
  EXPECT_LE(values * T * int(sizeof(double)), shared_slice_block_bytes);
}

TEST(SharedFactorSlices, LayoutIsValueMajorAndDisjoint) {
  value_major_and_disjoint<shared_slice_threads>();
  value_major_and_disjoint<shared_split_block_threads>();
  EXPECT_EQ(shared_slice_index(3, 5), shared_slice_index<shared_slice_threads>(3, 5));  // 128 by default
  EXPECT_EQ(shared_slice_index<shared_split_block_threads>(3, 5), 3 * 64 + 5);
}

template <int K, int KS, int T = shared_slice_threads>
void round_trip() {
  // One block's array; every thread keeps its own factors, then each fetches them back.
  std::vector<double> block(std::size_t(KS > 0 ? KS : 1) * T, -1.0);
  std::vector<split_factors<double, K, KS, T>> threads(T);
  auto value = [](int t, int k) { return 1000.0 * t + k + 0.5; };
  for (int t = 0; t < T; ++t) {
    double f[K];
    for (int k = 0; k < K; ++k) f[k] = value(t, k);
    threads[std::size_t(t)].slice = block.data() + t;
    threads[std::size_t(t)].keep(f);
  }
  for (int t = 0; t < T; ++t) {
    double f[K];
    threads[std::size_t(t)].fetch(f);
    for (int k = 0; k < K; ++k)
      ASSERT_EQ(f[k], value(t, k)) << "K " << K << " KS " << KS << " block " << T << " thread " << t << " value " << k;
  }
  // The block array holds exactly the first KS values of each thread, value-major.
  for (int k = 0; k < KS; ++k)
    for (int t = 0; t < T; ++t) ASSERT_EQ(block[std::size_t(shared_slice_index<T>(k, t))], value(t, k));
}

// Two values per access (CUBIE_SHARED_LU_PAIRS): each thread's pair is adjacent and aligned to
// two values, consecutive threads hold consecutive pairs, and no two values share an element.
template <int T>
void pairs_are_adjacent_and_disjoint() {
  constexpr int values = 67;
  std::set<int> seen;
  for (int v = 0; v < values; ++v) {
    for (int t = 0; t < T; ++t) {
      const int i = shared_slice_index<T, 2>(v, t);
      EXPECT_TRUE(seen.insert(i).second) << "block " << T << " value " << v << " thread " << t;
      EXPECT_LT(i, (shared_slice_elements<values, T, 2>()));
      if (v % 2 == 0) {
        EXPECT_EQ(i % 2, 0);
      } else {
        EXPECT_EQ(i, (shared_slice_index<T, 2>(v - 1, t) + 1));
      }
      if (t > 0) {
        EXPECT_EQ(i, (shared_slice_index<T, 2>(v, t - 1) + 2));
      }
    }
  }
  EXPECT_EQ((shared_slice_elements<values, T, 2>()), 68 * T);
  EXPECT_EQ((shared_slice_index<T, 1>(5, 3)), shared_slice_index<T>(5, 3));  // W = 1: the single layout
}

TEST(SharedFactorSlices, PairsAreAdjacentAndDisjoint) {
  pairs_are_adjacent_and_disjoint<shared_split_block_threads>();
  pairs_are_adjacent_and_disjoint<shared_slice_threads>();
}

template <int K, int KS, int T, int W>
void round_trip_groups() {
  alignas(16) static double block[shared_slice_elements<(KS > 0 ? KS : 1), T, W>()];
  for (double& b : block) b = -1.0;
  std::vector<split_factors<double, K, KS, T, W>> threads(T);
  auto value = [](int t, int k) { return 1000.0 * t + k + 0.25; };
  for (int t = 0; t < T; ++t) {
    double f[K];
    for (int k = 0; k < K; ++k) f[k] = value(t, k);
    threads[std::size_t(t)].slice = block + W * t;
    threads[std::size_t(t)].keep(f);
  }
  for (int t = 0; t < T; ++t) {
    double f[K];
    threads[std::size_t(t)].fetch(f);
    for (int k = 0; k < K; ++k)
      ASSERT_EQ(f[k], value(t, k)) << "K " << K << " KS " << KS << " W " << W << " thread " << t << " value " << k;
  }
  for (int k = 0; k < KS; ++k)
    for (int t = 0; t < T; ++t) ASSERT_EQ(block[(shared_slice_index<T, W>(k, t))], value(t, k));
}

TEST(SharedFactorSlices, EveryThreadGetsItsFactorsBackInPairs) {
  round_trip_groups<67, 67, shared_split_block_threads, 2>();  // the ring modulator in float64
  round_trip_groups<67, 48, shared_slice_threads, 2>();
  round_trip_groups<67, 40, shared_split_block_threads, 2>();
  round_trip_groups<21, 21, shared_slice_threads, 2>();  // odd, all shared
  round_trip_groups<67, 67, shared_split_block_threads, 1>();
}

TEST(SharedFactorSlices, EveryThreadGetsItsFactorsBack) {
  round_trip<67, 48>();  // the ring modulator in float64 at 128 threads (CUBIE_SPLIT_BLOCK=0)
  round_trip<67, 0>();   // CUBIE_SHARED_LU_VALUES=0: all held
  round_trip<20, 20>();  // all shared
  round_trip<94, 16>();
  round_trip<67, 67, shared_split_block_threads>();  // the ring modulator in float64: all shared
  round_trip<67, 40, shared_split_block_threads>();
}

TEST(SharedFactorSlices, TheLaunchTakesTheKernelsBlock) {
  // The host launches min(kernel_block_size, maxThreadsPerBlock): a kernel declaring 64 threads
  // in __launch_bounds__ reports 64; one without a smaller bound reports 128 (or the device's
  // 1024 where no bound is declared).
  static_assert(cuda::kernel_block_size == shared_slice_threads);
  EXPECT_EQ(cuda::launch_block_size(shared_split_block_threads), shared_split_block_threads);
  EXPECT_EQ(cuda::launch_block_size(cuda::kernel_block_size), cuda::kernel_block_size);
  EXPECT_EQ(cuda::launch_block_size(1024), cuda::kernel_block_size);
  EXPECT_EQ(cuda::launch_block_size(0), cuda::kernel_block_size);  // an attribute not read
  // 200 runs: 4 blocks of 64 (the last one partial), 2 of 128.
  EXPECT_EQ(cuda::grid_blocks(200, shared_split_block_threads), 4);
  EXPECT_EQ(cuda::grid_blocks(200), 2);
  EXPECT_EQ(cuda::grid_blocks(128, shared_split_block_threads), 2);
}

}  // namespace
