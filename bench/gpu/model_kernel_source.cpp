// bench/gpu/model_kernel_source.cpp
// Writes the CUDA source NVRTC compiles for a model file at run time (the generated system,
// the kernel template, the method's header), with the kernel instantiated explicitly so that
// nvcc or NVRTC can compile it offline: registers, stack frame, spills and SASS of a model's
// kernel on a machine without a GPU (bench/gpu/stiff_kernel_report.sh).
//   model_kernel_source MODEL.toml METHOD float32|float64 [G [PATHS]] > kernel.cu
// G: summary accumulator groups compiled in (default 0, none), as the solver's name expression.
// PATHS: both (default: integrate_kernel, the kernel holding both loop paths), general or
// fixed_count (integrate_path_kernel: the one-path kernels the model compiler builds).
// CUBIE_NO_SPARSE_LU=1 in the environment writes the model without its sparse LU (codegen's
// max_sparse_factor_flops = -1: the kernel a Krylov-only build runs, krylov_bench's "no LU").
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "cubie/batch/method_catalog.hpp"
#include "cubie/models/codegen.hpp"
#include "cubie/models/model.hpp"

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::fprintf(stderr, "usage: model_kernel_source MODEL.toml METHOD float32|float64 [summary_groups [both|general|fixed_count]]\n");
    return 2;
  }
  try {
    cubie::models::model_definition m = cubie::models::load_model(argv[1]);
    const std::string prec = argv[3];
    if (prec != "float32" && prec != "float64") throw std::runtime_error("precision must be float32 or float64, not " + prec);
    m.precision = prec == "float32" ? cubie::precision::float32 : cubie::precision::float64;
    m.settings.precision = m.precision;
    const std::string method = cubie::find_method(argv[2]).name;
    const std::string groups = argc >= 5 ? std::string(argv[4]) : "0";
    const std::string paths = argc == 6 ? std::string(argv[5]) : "both";
    if (paths != "both" && paths != "general" && paths != "fixed_count")
      throw std::runtime_error("paths must be both, general or fixed_count, not " + paths);
    const char* v = prec == "float32" ? "float" : "double";
    // The same text as the model compiler's device_source() (src/models/gpu_model_compiler.cpp)
    // and its name expression, here as an explicit instantiation.
    cubie::models::codegen_options gen;
    const char* no_lu = std::getenv("CUBIE_NO_SPARSE_LU");
    if (no_lu && std::string(no_lu) == "1") gen.max_sparse_factor_flops = -1;
    std::cout << cubie::models::generate_system_source(m, "cubie_generated_system", gen)
              << "\n// CUDA kernels of this model: cubie's kernel template, instantiated through NVRTC name expressions.\n"
              << "#include \"cubie/backends/cuda/integrate_kernel.cuh\"\n"
              << "#include \"cubie/integrate/methods/" << method << ".hpp\"\n"
              << "template __global__ void cubie::cuda::" << (paths == "both" ? "integrate_kernel" : "integrate_path_kernel")
              << "<cubie::methods::" << method << ", ::cubie_generated_system, " << v << ", " << groups << "u"
              << (paths == "both" ? std::string() : ", cubie::loop_paths::" + paths) << ">(const cubie::batch_args<" << v
              << ">);\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "model_kernel_source: %s\n", e.what());
    return 1;
  }
  return 0;
}
