// bench/stiff/krylov_cxx/system_instance.hpp
// One compiled Brusselator for krylov_cxx_bench: the translation unit that includes this
// defines KRYLOV_CELLS (cells; 2 states each), KRYLOV_METHOD (a cubie::methods type) and
// KRYLOV_REAL (float or double); CMake compiles it once per combination it lists
// (bench/CMakeLists.txt), under nvcc (system_gpu.cu) or g++ (system_cpu.cpp). A variant
// (KRYLOV_VARIANT, its name; KRYLOV_VARIANT_ID, a number of its own) is the same case built with
// other large-system switches (execution_space.hpp), as CMake defines them for it.
#pragma once
#include "../brusselator_banded.hpp"
#include "bench_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/kvaerno5.hpp"
#include "cubie/integrate/methods/l_stable_sdirk_4.hpp"
#include "cubie/integrate/methods/radau_iia_5.hpp"

#if !defined(KRYLOV_CELLS) || !defined(KRYLOV_METHOD) || !defined(KRYLOV_REAL)
#error "define KRYLOV_CELLS, KRYLOV_METHOD and KRYLOV_REAL (bench/CMakeLists.txt does)"
#endif
#if !defined(KRYLOV_VARIANT)
#define KRYLOV_VARIANT ""
#define KRYLOV_VARIANT_ID 0
#endif

namespace {

const cubie::bench::register_bench_system instance(cubie::bench::bench_system{
    KRYLOV_CELLS, cubie::methods::KRYLOV_METHOD::name,
    sizeof(KRYLOV_REAL) == 4 ? cubie::precision::float32 : cubie::precision::float64,
#if defined(__CUDACC__)
    true,
#else
    false,
#endif
    KRYLOV_VARIANT,
    [] {
      return cubie::make_system<cubie::bench::banded_brusselator_of<KRYLOV_CELLS, KRYLOV_VARIANT_ID>::template system,
                                cubie::methods::method_list<cubie::methods::KRYLOV_METHOD>, KRYLOV_REAL>();
    }});

}  // namespace
