# Run-time compilation of models (model_compiler.hpp, compile_cache.hpp), added to
# cubie_models. The host compiler, its code-generation flags and the header folders
# are baked in here so a model compiled at run time matches the library bit for bit.
include(GNUInstallDirs)

target_sources(cubie_models PRIVATE
  compile_cache.cpp
  cubie_headers.cpp
  host_compiler.cpp
  model_compiler.cpp
  precompiled_prelude.cpp
  rhs_cost.cpp
  sha256.cpp
  subprocess.cpp)

# Exactly the host flags of cubie_flags that decide generated code (cmake/cubie_flags.cmake);
# -Wno-psabi silences GCC's note on passing SIMD packs by value, as for the library.
set(cubie_model_host_flags ${CUBIE_HOST_FP_FLAGS} ${CUBIE_HOST_ARCH_FLAGS} -Wno-psabi)
list(JOIN cubie_model_host_flags " " cubie_model_host_flags_text)
set_source_files_properties(host_compiler.cpp PROPERTIES COMPILE_DEFINITIONS
  "CUBIE_CXX_COMPILER=\"${CMAKE_CXX_COMPILER}\";CUBIE_HOST_COMPILE_FLAGS=\"${cubie_model_host_flags_text}\";CUBIE_CPU_ARCH_VALUE=\"${CUBIE_CPU_ARCH}\"")
# Where an installed `cubie` finds the headers relative to its own folder (bin/ -> ../include).
if(IS_ABSOLUTE "${CMAKE_INSTALL_BINDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(cubie_include_from_bindir "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH cubie_include_from_bindir "/prefix/${CMAKE_INSTALL_BINDIR}" "/prefix/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
# Where an installed `cubie` finds the precompiled headers `cubie prepare` built at install
# time (bin/ -> ../lib/cubie/pch), and that step itself (skipped for a DESTDIR staging
# install: the entries are keyed by the final header folder, and packagers run it after).
if(IS_ABSOLUTE "${CMAKE_INSTALL_BINDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(cubie_pch_from_bindir "${CMAKE_INSTALL_FULL_LIBDIR}/cubie/pch")
else()
  file(RELATIVE_PATH cubie_pch_from_bindir "/prefix/${CMAKE_INSTALL_BINDIR}" "/prefix/${CMAKE_INSTALL_LIBDIR}/cubie/pch")
endif()
set_source_files_properties(precompiled_prelude.cpp PROPERTIES COMPILE_DEFINITIONS
  "CUBIE_PCH_DIR_FROM_BINDIR=\"${cubie_pch_from_bindir}\"")
set_source_files_properties(cubie_headers.cpp PROPERTIES COMPILE_DEFINITIONS
  "CUBIE_SOURCE_INCLUDE_DIR=\"${PROJECT_SOURCE_DIR}/include\";CUBIE_INSTALL_INCLUDE_DIR=\"${CMAKE_INSTALL_FULL_INCLUDEDIR}\";CUBIE_INCLUDE_DIR_FROM_BINDIR=\"${cubie_include_from_bindir}\"")

if(CUBIE_HAS_CUDA)
  # NVRTC is opened with dlopen (nvrtc_loader.cpp), never linked: only its header is used.
  target_sources(cubie_models PRIVATE gpu_model_compiler.cpp nvrtc_compile.cpp nvrtc_loader.cpp)
  target_include_directories(cubie_models PRIVATE ${CUDAToolkit_INCLUDE_DIRS})
  set_source_files_properties(nvrtc_loader.cpp PROPERTIES COMPILE_DEFINITIONS
    "CUBIE_NVRTC_SONAME=\"libnvrtc.so.${CUDAToolkit_VERSION_MAJOR}\";CUBIE_NVRTC_LIBRARY_DIR=\"${CUDAToolkit_LIBRARY_DIR}\"")
endif()
