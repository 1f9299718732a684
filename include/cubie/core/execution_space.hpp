// cubie/core/execution_space.hpp
// One vocabulary for where code runs, so the integration core compiles unchanged
// under g++ (CPU backend), nvcc (ahead-of-time kernels) and NVRTC (model files).
#pragma once

#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define CUBIE_HD __host__ __device__
#define CUBIE_FORCEINLINE __forceinline__
#else
#define CUBIE_HD
#define CUBIE_FORCEINLINE inline __attribute__((always_inline))
#endif

// Function-like feature macros: a misspelled name is a build error, not a silent 0.
#if defined(__CUDACC_RTC__)
#define CUBIE_IS_NVRTC() 1
#else
#define CUBIE_IS_NVRTC() 0
#endif

#if defined(__CUDA_ARCH__)
#define CUBIE_IS_DEVICE_PASS() 1
#else
#define CUBIE_IS_DEVICE_PASS() 0
#endif

// The per-run core must not use the host standard library under NVRTC.
#define CUBIE_HAS_HOST_STDLIB() (!CUBIE_IS_NVRTC())

// Templates whose bodies differ between nvcc and host-compiler translation units (the
// CPU entry points: SIMD packs in one, single runs in the other; make_system: CUDA
// kernels registered or not) live in an inline namespace named after the compiler, so
// one program may instantiate them in both kinds of file without the linker silently
// keeping one definition for both (an ODR violation that made CPU solves 17x slower).
#if defined(__CUDACC__)
#define CUBIE_TU_NAMESPACE compiled_by_nvcc
#else
#define CUBIE_TU_NAMESPACE compiled_by_host
#endif

// Forces a lambda inline on the host. With FMA contraction on, where g++ fuses a
// multiply-add depends on what it inlined; the compile-time loops' bodies must always
// be inlined so a system's results never depend on the size of the file compiling it.
// nvcc and NVRTC inline these bodies anyway (and reject the attribute position).
#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define CUBIE_INLINE_LAMBDA
#else
#define CUBIE_INLINE_LAMBDA __attribute__((always_inline))
#endif
// Keeps a lambda out of line on the host, where g++ compiles it once for all its calls
// (nvcc and NVRTC inline every call whatever it says).
#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define CUBIE_HOST_NOINLINE_LAMBDA
#else
#define CUBIE_HOST_NOINLINE_LAMBDA __attribute__((noinline))
#endif

// Inlines a function on the device only. nvcc's and NVRTC's inliner gives up on the whole
// per-run loop of a large implicit step (the ring modulator with Rodas5P), and the call then
// passes the kernel's arguments and the system's constants through local memory, which the
// step reads again and again (ptxas: 1,992 against 1,032 bytes of stack, bench/RESULTS.md).
// Host code keeps its own choices (inlining there moves where g++ fuses multiply-adds).
// -DCUBIE_DEVICE_INLINE_RUN=0 leaves the choice to the compiler (the earlier build), for
// before/after measurements (bench/gpu/stiff_f64_session.sh).
#ifndef CUBIE_DEVICE_INLINE_RUN
#define CUBIE_DEVICE_INLINE_RUN 1
#endif
#if (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()) && CUBIE_DEVICE_INLINE_RUN
#define CUBIE_DEVICE_FORCEINLINE __forceinline__
#else
#define CUBIE_DEVICE_FORCEINLINE
#endif

// Keeps a function out of line (nvcc, NVRTC and g++).
#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define CUBIE_NOINLINE __noinline__
#else
#define CUBIE_NOINLINE __attribute__((noinline))
#endif

// Unrolling hint honoured by both nvcc and g++.
#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define CUBIE_UNROLL _Pragma("unroll")
#define CUBIE_NO_UNROLL _Pragma("unroll 1")
#else
#define CUBIE_UNROLL _Pragma("GCC unroll 32")
#define CUBIE_NO_UNROLL _Pragma("GCC unroll 1")
#endif

// Unrolling of a loop over a system's N states: full (as CUBIE_UNROLL) below
// large_system_states states; from it on, by 4 only on the GPU, with the implicit steppers' rhs
// and the Krylov solvers' Jacobian-vector product out of line (rhs_call.hpp,
// krylov_settings.hpp). That compact form builds the 100-state Brusselator's radau_iia_5 kernel
// in 50 s instead of over 300 s on the H200's host, but it RUNS far slower there: radau +
// GMRES at 100 states took over 150 s in FirkKrylovGpu (3.2 s fully unrolled) and over 85 s per
// 16,384-run solve in krylov_cxx_bench (bench/RESULTS.md, H200 session of 2026-12-04 20:59).
// So it is off by default (the threshold is out of reach) until the slow part is found:
// -DCUBIE_LARGE_SYSTEM_STATES=32 (nvcc or an NVRTC option) turns it on.
// Each of its three parts has a threshold of its own, by default large_system_states, so that
// one build turns on one part alone (bench/gpu/krylov_compact_session.sh):
//   CUBIE_COMPACT_LOOPS_STATES  the steppers' loops over the states by 4 (the Krylov solvers'
//                               loops: CUBIE_KRYLOV_LOOPS_BY_4, krylov_settings.hpp)
//   CUBIE_RHS_OUT_OF_LINE_STATES  the implicit steppers' rhs calls out of line (rhs_call.hpp)
//   CUBIE_JVP_OUT_OF_LINE_STATES  the Krylov solvers' Jacobian-vector products out of line
#ifndef CUBIE_LARGE_SYSTEM_STATES
#define CUBIE_LARGE_SYSTEM_STATES 100000
#endif
#ifndef CUBIE_COMPACT_LOOPS_STATES
#define CUBIE_COMPACT_LOOPS_STATES CUBIE_LARGE_SYSTEM_STATES
#endif
#ifndef CUBIE_RHS_OUT_OF_LINE_STATES
#define CUBIE_RHS_OUT_OF_LINE_STATES CUBIE_LARGE_SYSTEM_STATES
#endif
#ifndef CUBIE_JVP_OUT_OF_LINE_STATES
#define CUBIE_JVP_OUT_OF_LINE_STATES CUBIE_LARGE_SYSTEM_STATES
#endif
namespace cubie {
inline constexpr int large_system_states = CUBIE_LARGE_SYSTEM_STATES;
inline constexpr int compact_loops_states = CUBIE_COMPACT_LOOPS_STATES;
inline constexpr int rhs_out_of_line_states = CUBIE_RHS_OUT_OF_LINE_STATES;
inline constexpr int jvp_out_of_line_states = CUBIE_JVP_OUT_OF_LINE_STATES;
}
#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define CUBIE_PRAGMA(x) _Pragma(#x)
#define CUBIE_UNROLL_SIZED(N, COUNT) CUBIE_PRAGMA(unroll((N) >= ::cubie::compact_loops_states ? 4 : (COUNT)))
#else
#define CUBIE_UNROLL_SIZED(N, COUNT) CUBIE_UNROLL
#endif
// The same for a loop of COUNT iterations in a system of N states (a sparse Jacobian's values).
#define CUBIE_UNROLL_STATES(N) CUBIE_UNROLL_SIZED(N, N)
