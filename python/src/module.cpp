// cubie._core: the C++ engine as the Python package sees it. The public interface is
// the pure-Python layer in python/cubie/; this module stays small and typed.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"

#include "cubie/backends/backend_registry.hpp"

NB_MODULE(_core, m) {
  using namespace cubie::python;
  m.doc() = "cubie's C++ engine (internal: use the cubie package)";
  m.attr("__version__") = CUBIE_VERSION_STRING;
  bind_errors(m);
  bind_models(m);
  bind_settings(m);
  bind_solve(m);
  bind_results(m);
  bind_device_arrays(m);

  m.def("cuda_backend_compiled", &cubie::cuda_backend_compiled,
        "True when this build has the CUDA backend.");
  m.def("cuda_device_available", &cubie::cuda_device_available, "True when a CUDA device is usable now.");
  m.def("cuda_unavailable_reason", &cubie::cuda_unavailable_reason,
        "Why no CUDA device is usable ('' when one is).");
  m.def(
      "list_gpus",
      [] {
        nb::list out;
        for (const auto& g : cubie::list_gpus()) {
          nb::dict d;
          d["index"] = g.index;
          d["name"] = g.name;
          d["total_bytes"] = g.total_bytes;
          d["free_bytes"] = g.free_bytes;
          d["compute_capability"] = nb::make_tuple(g.sm_major, g.sm_minor);
          d["multiprocessors"] = g.multiprocessors;
          out.append(d);
        }
        return out;
      },
      "The GPUs this process can use, as dicts.");
  m.def(
      "release_cached_memory",
      [] {
        nb::gil_scoped_release nogil;
        cubie::release_cached_memory();
      },
      "Gives back device memory and pinned host memory kept for reuse across solves.");
}
