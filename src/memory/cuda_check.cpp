#include "cubie/memory/cuda_check.hpp"

#include <string>

#include "cubie/core/error.hpp"

namespace cubie::memory {

bool is_sticky_cuda_error(cudaError_t error) noexcept {
  // The runtime documents each of these as leaving "the process in an inconsistent state";
  // cudaErrorUnknown is included because the runtime gives no guarantee it is recoverable.
  switch (error) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorLaunchTimeout:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorAssert:
    case cudaErrorECCUncorrectable:
    case cudaErrorNvlinkUncorrectable:
    case cudaErrorContained:
    case cudaErrorTensorMemoryLeak:
    case cudaErrorExternalDevice:
    case cudaErrorMpsClientTerminated:
    case cudaErrorUnknown:
      return true;
    default:
      return false;
  }
}

void clear_cuda_error(cudaError_t error) noexcept {
  if (!is_sticky_cuda_error(error)) (void)cudaGetLastError();
}

namespace {

std::string describe(cudaError_t error, const char* call, const char* file, int line) {
  std::string msg = std::string(file) + ":" + std::to_string(line) + ": " + call + ": " + cudaGetErrorName(error) +
                    " (" + cudaGetErrorString(error) + ")";
  if (is_sticky_cuda_error(error)) {
    msg += "; this error is sticky: the CUDA context is lost and the GPU cannot be used again by this process";
  }
  return msg;
}

[[noreturn]] void raise(cudaError_t error, std::string msg) {
  clear_cuda_error(error);
  if (error == cudaErrorMemoryAllocation) throw out_of_memory("cubie: out of memory: " + msg);
  throw device_error("cubie: CUDA error: " + msg, is_sticky_cuda_error(error));
}

}  // namespace

void throw_cuda_error(cudaError_t error, const char* call, const char* file, int line) {
  raise(error, describe(error, call, file, line));
}

void throw_cuda_allocation_error(cudaError_t error, std::size_t bytes, const char* call, const char* file, int line) {
  raise(error, describe(error, call, file, line) + " [requested " + std::to_string(bytes) + " bytes]");
}

cuda_device_guard::cuda_device_guard(int device) {
  CUBIE_CUDA_TRY(cudaGetDevice(&previous_));
  if (previous_ != device) {
    CUBIE_CUDA_TRY(cudaSetDevice(device));
    switched_ = true;
  }
}

cuda_device_guard::cuda_device_guard(int device, std::nothrow_t) noexcept {
  cudaError_t e = cudaGetDevice(&previous_);
  if (e != cudaSuccess) {
    clear_cuda_error(e);
    return;
  }
  if (previous_ != device) {
    e = cudaSetDevice(device);
    if (e == cudaSuccess) {
      switched_ = true;
    } else {
      clear_cuda_error(e);
    }
  }
}

cuda_device_guard::~cuda_device_guard() {
  if (switched_) CUBIE_CUDA_IGNORE(cudaSetDevice(previous_));
}

}  // namespace cubie::memory
