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

// Unrolling hint honoured by both nvcc and g++.
#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define CUBIE_UNROLL _Pragma("unroll")
#else
#define CUBIE_UNROLL _Pragma("GCC unroll 32")
#endif
