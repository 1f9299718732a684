// GPU arrays at the Python boundary. The engine stages inputs from host memory and
// copies results to host memory (its chunk pipeline owns the device buffers), so GPU
// inputs are copied to the host here and device results are host results copied to
// device memory this module owns, exported through DLPack. The copies are explicit,
// counted and documented; a device-resident result sink in the engine removes them.
#include <nanobind/ndarray.h>

#include <cstdint>
#include <cstring>

#include "bindings.hpp"
#include "cubie/core/error.hpp"

#ifdef CUBIE_WITH_CUDA
#include <cuda_runtime.h>
#endif

namespace cubie::python {

namespace {

#ifdef CUBIE_WITH_CUDA
void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw device_error(std::string(what) + ": " + cudaGetErrorString(e), false);
}
#endif

#ifndef CUBIE_WITH_CUDA
[[noreturn]] void no_cuda(const char* what) {
  throw invalid_argument(std::string(what) + ": this cubie was built without the CUDA backend");
}
#endif

}  // namespace

void bind_device_arrays(nb::module_& m) {
  m.def(
      "copy_device_to_host",
      [](std::uintptr_t device_pointer, nb::ndarray<nb::numpy, nb::c_contig, nb::device::cpu> host) {
#ifdef CUBIE_WITH_CUDA
        const std::size_t bytes = host.nbytes();
        nb::gil_scoped_release nogil;
        check(cudaMemcpy(host.data(), reinterpret_cast<const void*>(device_pointer), bytes, cudaMemcpyDeviceToHost),
              "copy_device_to_host");
#else
        (void)device_pointer;
        (void)host;
        no_cuda("copy_device_to_host");
#endif
      },
      nb::arg("device_pointer"), nb::arg("host"),
      "Copies host.nbytes bytes from a device address into the contiguous host array.");

  m.def(
      "to_device",
      [](nb::ndarray<nb::numpy, nb::c_contig, nb::device::cpu, nb::ro> host, int device_id) -> nb::object {
#ifdef CUBIE_WITH_CUDA
        const std::size_t bytes = host.nbytes();
        void* d = nullptr;
        {
          nb::gil_scoped_release nogil;
          check(cudaSetDevice(device_id), "to_device: cudaSetDevice");
          check(cudaMalloc(&d, bytes > 0 ? bytes : 1), "to_device: cudaMalloc");
          cudaError_t e = cudaMemcpy(d, host.data(), bytes, cudaMemcpyHostToDevice);
          if (e != cudaSuccess) {
            cudaFree(d);
            check(e, "to_device: cudaMemcpy");
          }
        }
        nb::capsule owner(d, [](void* p) noexcept { cudaFree(p); });
        std::vector<std::size_t> shape(host.ndim());
        for (std::size_t i = 0; i < host.ndim(); ++i) shape[i] = host.shape(i);
        // array_api: an object with __dlpack__ and __dlpack_device__ (CuPy and PyTorch take it);
        // an ndarray without a framework would cross as a bare DLPack capsule.
        nb::object array = nb::cast(nb::ndarray<nb::array_api>(d, host.ndim(), shape.data(), owner, nullptr,
                                                               host.dtype(), nb::device::cuda::value, device_id));
        return nb::make_tuple(array, reinterpret_cast<std::uintptr_t>(d));
#else
        (void)host;
        (void)device_id;
        no_cuda("to_device");
#endif
      },
      nb::arg("host"), nb::arg("device_id") = 0,
      "Copies a contiguous host array into new device memory; returns (DLPack-capable array that frees "
      "it, device address).");
}

}  // namespace cubie::python
