// cubie/integrate/shared_factor_slices.hpp
// Per-thread slices of static shared memory for a GPU thread's sparse LU factors, laid out
// value-major ([value][thread]) so a warp's accesses hit consecutive banks, and the factors
// that do not fit held by the thread (registers or its stack).
//
// Why: a Rodas5P step on the float64 ring modulator (15 states, 67 factor entries) keeps
// about 2.4 KB per run live; 255 registers hold 1 KB, and ptxas spills the LU factors first
// (long-lived, read once per stage): 8 solves x 67 loads of 8 bytes, 4.3 KB of the 5.9 KB of
// local traffic per step, with 256 resident threads whose stacks (1 KB each) overflow the
// 256 KB L1. Shared memory is never evicted by the other spills (bench/RESULTS.md, issue 8).
// Static shared memory is limited to 48 KB per block, so no launch needs to know about it.
#pragma once
#include "../core/execution_space.hpp"

namespace cubie {

/// Threads per block the slices are laid out for: cuda::kernel_block_size (checked in
/// backends/cuda/integrate_kernel.cuh; this layer does not include the backends).
inline constexpr int shared_slice_threads = 128;
/// Static shared memory a block may declare without opting in at launch.
inline constexpr int shared_slice_block_bytes = 48 * 1024;

/// Values of type S per thread that fit the static shared memory of a block.
template <class S>
constexpr int shared_slice_capacity() {
  return shared_slice_block_bytes / (shared_slice_threads * int(sizeof(S)));
}

/// Where value `value` of thread `thread` lies in the block's array: consecutive threads at
/// consecutive addresses (a warp's access of one value is conflict-free in any width).
CUBIE_HD constexpr int shared_slice_index(int value, int thread) { return value * shared_slice_threads + thread; }

/// CUBIE_SHARED_LU_VALUES (a compile definition, e.g. an NVRTC option): how many factor values
/// per thread go to shared memory in kernels that spill (-1: as many as fit, the default; 0:
/// none, the earlier build). bench/gpu/ring_f64_session.sh measures 0, 16, 32 and 48.
#ifndef CUBIE_SHARED_LU_VALUES
#define CUBIE_SHARED_LU_VALUES -1
#endif

/// Factor values of type S in shared memory out of K, as CUBIE_SHARED_LU_VALUES asks and the
/// block's static shared memory allows.
template <class S, int K>
constexpr int shared_lu_values() {
  constexpr int cap = shared_slice_capacity<S>();
  constexpr int want = CUBIE_SHARED_LU_VALUES < 0 ? cap : CUBIE_SHARED_LU_VALUES;
  constexpr int n = want < cap ? want : cap;
  return n < K ? n : K;
}

/// @brief K factor values of one thread: the first KS in its slice of a block array
/// (`slice` = the array + thread index, strided by shared_slice_threads), the rest held here.
/// keep() stores them after a factorisation; fetch() gathers all K for one solve.
template <class S, int K, int KS>
struct split_factors {
  static_assert(0 <= KS && KS <= K, "split_factors: KS must lie in [0, K]");
  S* slice;
  S held[K - KS > 0 ? K - KS : 1];

  CUBIE_HD CUBIE_FORCEINLINE void keep(const S* f) {
    CUBIE_UNROLL
    for (int k = 0; k < KS; ++k) slice[shared_slice_index(k, 0)] = f[k];
    CUBIE_UNROLL
    for (int k = KS; k < K; ++k) held[k - KS] = f[k];
  }
  CUBIE_HD CUBIE_FORCEINLINE void fetch(S* f) const {
    CUBIE_UNROLL
    for (int k = 0; k < KS; ++k) f[k] = slice[shared_slice_index(k, 0)];
    CUBIE_UNROLL
    for (int k = KS; k < K; ++k) f[k] = held[k - KS];
  }
};

/// A compiler-only memory fence on the device: loads after it are not served from values the
/// thread stored before it, so a value kept in shared memory is read back from there instead of
/// staying live in a register (which would spill it again). No instruction is emitted.
CUBIE_HD CUBIE_FORCEINLINE void compiler_memory_fence() {
#if CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()
  asm volatile("" ::: "memory");
#endif
}

}  // namespace cubie
