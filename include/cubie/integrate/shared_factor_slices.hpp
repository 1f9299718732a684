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

/// Threads per block the slices are laid out for by default: cuda::kernel_block_size (checked
/// in backends/cuda/integrate_kernel.cuh; this layer does not include the backends).
inline constexpr int shared_slice_threads = 128;
/// The smaller block of kernels whose factors do not fit the default block's static shared
/// memory (the ring modulator in float64: 67 x 64 x 8 B = 34 KB). Their kernels take 255
/// registers, so a multiprocessor holds 256 threads at either block size (4 blocks of 64 use
/// 137 KB of its 227 KB of shared memory): the same occupancy, every factor in shared memory.
inline constexpr int shared_split_block_threads = 64;
/// Static shared memory a block may declare without opting in at launch.
inline constexpr int shared_slice_block_bytes = 48 * 1024;

/// Values of type S per thread that fit the static shared memory of a block of T threads.
template <class S, int T = shared_slice_threads>
constexpr int shared_slice_capacity() {
  return shared_slice_block_bytes / (T * int(sizeof(S)));
}

/// Where value `value` of thread `thread` lies in the array of a block of T threads, in
/// groups of W values per thread: consecutive threads at consecutive groups (a warp's access
/// of one group is conflict-free in any width). W = 2 lets one 2W-byte access (LDS.128 for
/// double) move two values: half the shared-memory instructions.
template <int T = shared_slice_threads, int W = 1>
CUBIE_HD constexpr int shared_slice_index(int value, int thread) {
  return (value / W) * (T * W) + thread * W + value % W;
}

/// CUBIE_SHARED_LU_PAIRS (a compile definition): 1, the default, keeps the shared factor values
/// in pairs per thread (shared_slice_index with W = 2), so each solve loads two per instruction
/// (the ring modulator in float64: 34 instead of 67 LDS per solve); 0 one value per access (the
/// earlier layout; bench/gpu/ring_f64_session.sh compares both).
#ifndef CUBIE_SHARED_LU_PAIRS
#define CUBIE_SHARED_LU_PAIRS 1
#endif
/// Values per access of the shared factor slices (1 or 2).
inline constexpr int shared_lu_group = CUBIE_SHARED_LU_PAIRS != 0 ? 2 : 1;

/// CUBIE_SHARED_LU_VALUES (a compile definition, e.g. an NVRTC option): how many factor values
/// per thread go to shared memory in kernels that spill (-1: as many as fit, the default; 0:
/// none, the earlier build). bench/gpu/ring_f64_session.sh measures 0, 16, 32 and 48.
#ifndef CUBIE_SHARED_LU_VALUES
#define CUBIE_SHARED_LU_VALUES -1
#endif
/// CUBIE_SPLIT_BLOCK (a compile definition): 1, the default, gives kernels whose wanted factor
/// values do not fit a block of shared_slice_threads a block of shared_split_block_threads;
/// 0 keeps every kernel at shared_slice_threads (the ring modulator in float64: 48 of its 67
/// values in shared memory, the earlier build; bench/gpu/ring_f64_session.sh compares both).
#ifndef CUBIE_SPLIT_BLOCK
#define CUBIE_SPLIT_BLOCK 1
#endif

/// Threads per block for a kernel that keeps factor values of type S out of K in shared
/// memory, as CUBIE_SHARED_LU_VALUES and CUBIE_SPLIT_BLOCK ask.
template <class S, int K>
constexpr int shared_lu_threads() {
  constexpr int want = CUBIE_SHARED_LU_VALUES < 0 ? K : (CUBIE_SHARED_LU_VALUES < K ? CUBIE_SHARED_LU_VALUES : K);
  if constexpr (CUBIE_SPLIT_BLOCK != 0 && want > shared_slice_capacity<S, shared_slice_threads>()) {
    return shared_split_block_threads;
  } else {
    return shared_slice_threads;
  }
}

/// Factor values of type S in shared memory out of K, as CUBIE_SHARED_LU_VALUES asks and the
/// static shared memory of a block of T threads allows.
template <class S, int K, int T = shared_slice_threads>
constexpr int shared_lu_values() {
  constexpr int cap = shared_slice_capacity<S, T>();
  constexpr int want = CUBIE_SHARED_LU_VALUES < 0 ? cap : CUBIE_SHARED_LU_VALUES;
  constexpr int n = want < cap ? want : cap;
  return n < K ? n : K;
}

/// Elements of a block array for KS values per thread in groups of W (an odd KS leaves the
/// last group's second half unused).
template <int KS, int T, int W>
constexpr int shared_slice_elements() {
  return (KS + W - 1) / W * W * T;
}

/// @brief K factor values of one thread: the first KS in its slice of a block array
/// (`slice` = the array + W x thread index, in groups of W strided by W x T, T the block's
/// threads; the array aligned to W values), the rest held here. keep() stores them after a
/// factorisation; fetch() gathers all K for one solve.
template <class S, int K, int KS, int T = shared_slice_threads, int W = 1>
struct split_factors {
  static_assert(0 <= KS && KS <= K, "split_factors: KS must lie in [0, K]");
  static_assert(W == 1 || W == 2, "split_factors: one or two values per access");
  struct alignas(W * sizeof(S)) group {
    S v[W];
  };
  S* slice;
  S held[K - KS > 0 ? K - KS : 1];

  CUBIE_HD CUBIE_FORCEINLINE void keep(const S* f) {
    CUBIE_UNROLL
    for (int k = 0; k < KS; k += W) {
      if (k + W <= KS) {
        group g;
        CUBIE_UNROLL
        for (int w = 0; w < W; ++w) g.v[w] = f[k + w];
        *reinterpret_cast<group*>(slice + shared_slice_index<T, W>(k, 0)) = g;
      } else {
        slice[shared_slice_index<T, W>(k, 0)] = f[k];
      }
    }
    CUBIE_UNROLL
    for (int k = KS; k < K; ++k) held[k - KS] = f[k];
  }
  CUBIE_HD CUBIE_FORCEINLINE void fetch(S* f) const {
    CUBIE_UNROLL
    for (int k = 0; k < KS; k += W) {
      if (k + W <= KS) {
        const group g = *reinterpret_cast<const group*>(slice + shared_slice_index<T, W>(k, 0));
        CUBIE_UNROLL
        for (int w = 0; w < W; ++w) f[k + w] = g.v[w];
      } else {
        f[k] = slice[shared_slice_index<T, W>(k, 0)];
      }
    }
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
