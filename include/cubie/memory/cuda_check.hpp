// cubie/memory/cuda_check.hpp
// One vocabulary for CUDA runtime errors in cubie's CUDA code (memory layer and backend):
// checked calls that throw with file:line, the call, the error's name and text.
#pragma once
#if !defined(CUBIE_WITH_CUDA)
#error "cubie/memory/cuda_check.hpp is for code built with CUDA (CUBIE_WITH_CUDA)"
#endif
#include <cuda_runtime_api.h>

#include <cstddef>
#include <new>

namespace cubie::memory {

/// @brief True for errors that poison the CUDA context: every later call fails the same way
/// and only a new process can use the GPU again (illegal address, launch failure, ...).
[[nodiscard]] bool is_sticky_cuda_error(cudaError_t error) noexcept;

/// @brief Clears the runtime's last-error state for a non-sticky error, so the next checked
/// call does not report it again. Sticky errors cannot be cleared and are left.
void clear_cuda_error(cudaError_t error) noexcept;

/// @brief Throws for a failed call: cubie::out_of_memory for cudaErrorMemoryAllocation,
/// cubie::device_error otherwise (sticky() set for context-poisoning errors). Non-sticky
/// errors are cleared first. The message reads "file:line: call: cudaErrorX (text)".
/// @throws cubie::out_of_memory or cubie::device_error, always.
[[noreturn]] void throw_cuda_error(cudaError_t error, const char* call, const char* file, int line);

/// @brief As throw_cuda_error, with the bytes requested in the message (allocation calls).
/// @throws cubie::out_of_memory or cubie::device_error, always.
[[noreturn]] void throw_cuda_allocation_error(cudaError_t error, std::size_t bytes, const char* call, const char* file,
                                              int line);

/// @brief Makes `device` current for the guard's lifetime and restores the previous one,
/// so cubie never leaves the caller's thread on another device.
class cuda_device_guard {
 public:
  /// @brief Switches to `device` if it is not current.
  /// @throws cubie::device_error when the device cannot be made current.
  explicit cuda_device_guard(int device);
  /// @brief Best effort for noexcept paths (deallocation, destructors): a failure to switch
  /// is cleared and the guarded call then fails on its own, where it is handled.
  cuda_device_guard(int device, std::nothrow_t) noexcept;
  cuda_device_guard(const cuda_device_guard&) = delete;
  cuda_device_guard& operator=(const cuda_device_guard&) = delete;
  ~cuda_device_guard();

 private:
  int previous_ = -1;
  bool switched_ = false;
};

}  // namespace cubie::memory

/// Runs a CUDA runtime call and throws (see throw_cuda_error) when it fails.
#define CUBIE_CUDA_TRY(call)                                                            \
  do {                                                                                  \
    const cudaError_t cubie_cuda_status_ = (call);                                      \
    if (cubie_cuda_status_ != cudaSuccess)                                              \
      ::cubie::memory::throw_cuda_error(cubie_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)

/// As CUBIE_CUDA_TRY for an allocation of `bytes`: out of memory reports the bytes asked for.
#define CUBIE_CUDA_TRY_ALLOC(call, bytes)                                                                   \
  do {                                                                                                      \
    const cudaError_t cubie_cuda_status_ = (call);                                                          \
    if (cubie_cuda_status_ != cudaSuccess)                                                                  \
      ::cubie::memory::throw_cuda_allocation_error(cubie_cuda_status_, (bytes), #call, __FILE__, __LINE__); \
  } while (0)

/// For noexcept paths (deallocate, destructors), which cannot report: a non-sticky error is
/// cleared so it does not surface at an unrelated later call; a sticky one surfaces at the
/// next checked call anyway.
#define CUBIE_CUDA_IGNORE(call)                                                                   \
  do {                                                                                            \
    const cudaError_t cubie_cuda_status_ = (call);                                                \
    if (cubie_cuda_status_ != cudaSuccess) ::cubie::memory::clear_cuda_error(cubie_cuda_status_); \
  } while (0)
