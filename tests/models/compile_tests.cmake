# Run-time model compilation (compile_model, the compile cache): CPU tests always run;
# the GPU ones carry the label gpu and skip without a device. Included from CMakeLists.txt.
set(cubie_model_test_cache ${CMAKE_CURRENT_BINARY_DIR}/model_compile_cache)

cubie_generate_model(four_bodies.hpp ${CMAKE_CURRENT_SOURCE_DIR}/data/four_bodies.toml generated_four_bodies)
cubie_add_test(model_compile_test
  SOURCES compile_cpu_test.cpp compile_cache_test.cpp compile_pch_test.cpp compile_reference_lorenz.cpp compile_reference_bodies.cpp
          rhs_cost_test.cpp ${generated_dir}/four_bodies.hpp
  LIBS cubie_models)
target_include_directories(model_compile_test PRIVATE ${PROJECT_SOURCE_DIR}/src ${generated_dir})
target_compile_definitions(model_compile_test PRIVATE
  CUBIE_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples"
  CUBIE_TEST_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data"
  CUBIE_TEST_CACHE_DIR="${cubie_model_test_cache}")

if(CUBIE_HAS_CUDA)
  # A .cu translation unit: make_system instantiates the C++ Lorenz kernels with nvcc,
  # the reference the NVRTC-compiled model must match bit for bit.
  cubie_add_test(model_compile_gpu_test SOURCES compile_gpu_test.cu LIBS cubie_models GPU)
  # Generated Jacobian members compile under NVRTC: needs NVRTC, not a GPU.
  cubie_add_test(model_jacobian_nvrtc_test SOURCES jacobian_nvrtc_test.cpp LIBS cubie_models)
  target_include_directories(model_jacobian_nvrtc_test PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_definitions(model_jacobian_nvrtc_test PRIVATE
    CUBIE_SOURCE_INCLUDE_DIR="${PROJECT_SOURCE_DIR}/include"
    CUBIE_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples"
    CUBIE_TEST_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data")
  target_compile_definitions(model_compile_gpu_test PRIVATE
    CUBIE_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples"
    CUBIE_TEST_CACHE_DIR="${cubie_model_test_cache}")
  # The ring modulator's Rodas5P kernel with its LU factors in shared memory against the CPU.
  cubie_add_test(model_ring_modulator_gpu_test SOURCES ring_modulator_gpu_test.cpp LIBS cubie_models GPU)
  target_compile_definitions(model_ring_modulator_gpu_test PRIVATE
    CUBIE_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples"
    CUBIE_TEST_CACHE_DIR="${cubie_model_test_cache}")
endif()

# Model files with drivers and events against the same systems in C++ (tests/batch).
cubie_add_test(model_compile_signals_test SOURCES compile_signals_test.cpp LIBS cubie_models cubie_signal_test_systems)
target_compile_definitions(model_compile_signals_test PRIVATE
  CUBIE_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples"
  CUBIE_TEST_CACHE_DIR="${cubie_model_test_cache}")
