# Script run by ctest: an installed cubie works with its source tree out of reach.
#  1. install into a scratch prefix, then move the prefix elsewhere (nothing may depend on
#     the configured install path);
#  2. the exported targets: cubie::cubie carries no warnings and no -march (cubie::cpu_arch
#     does, opt-in); cubie::io and cubie::models are exported;
#  3. the installed `cubie` from a folder outside both trees, CUBIE_INCLUDE_DIR unset and an
#     empty compile cache: --version, `devices` naming the install's headers, and a model
#     file compiled and solved (with the source tree's include/ hidden in a private mount
#     namespace where the system allows one);
#  4. examples/cpp configured with the default generator and no build type (it must pick
#     Release), built and run: lorenz_sweep (cubie::cubie) and model_file_sweep
#     (cubie::models and cubie::io).
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
  cmake_parse_arguments(R "" "WORKING_DIRECTORY;OUTPUT" "" ${ARGN})
  if(NOT R_WORKING_DIRECTORY)
    set(R_WORKING_DIRECTORY ${WORK_DIR})
  endif()
  execute_process(COMMAND ${R_UNPARSED_ARGUMENTS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY ${R_WORKING_DIRECTORY})
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${R_UNPARSED_ARGUMENTS}\n${out}\n${err}")
  endif()
  message("${out}${err}")
  if(R_OUTPUT)
    set(${R_OUTPUT} "${out}" PARENT_SCOPE)
  endif()
endfunction()

function(expect_contains text needle what)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: expected '${needle}' in:\n${text}")
  endif()
endfunction()

# ---- 1. install, then move the prefix ------------------------------------------------
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/installed --component Unspecified)
file(RENAME ${WORK_DIR}/installed ${WORK_DIR}/moved)
set(prefix ${WORK_DIR}/moved)

# ---- 2. the exported targets ------------------------------------------------------------
file(READ ${prefix}/lib/cmake/cubie/cubieTargets.cmake targets)
foreach(t cubie::cubie cubie::models cubie::io cubie::cpu_arch)
  expect_contains("${targets}" "add_library(${t} " "exported targets")
endforeach()
file(STRINGS ${prefix}/lib/cmake/cubie/cubieTargets.cmake options REGEX "INTERFACE_COMPILE_OPTIONS")
set(march_lines 0)
foreach(line IN LISTS options)
  if(line MATCHES "-Wall|-Wextra")
    message(FATAL_ERROR "an exported target carries warning flags: ${line}")
  endif()
  if(line MATCHES "-march=")
    math(EXPR march_lines "${march_lines} + 1")
  endif()
endforeach()
if(NOT march_lines EQUAL 1)
  message(FATAL_ERROR "-march must be exported by cubie::cpu_arch alone; INTERFACE_COMPILE_OPTIONS lines:\n${options}")
endif()

# ---- 3. the installed command, far from both trees --------------------------------------
set(elsewhere ${WORK_DIR}/elsewhere)
file(MAKE_DIRECTORY ${elsewhere})
# A model of its own: nothing is copied from the source tree.
file(WRITE ${elsewhere}/decay.toml [=[
name = "decay"
precision = "float64"
equations = """
dx = -k * x
"""
[states]
x = 1.0
[parameters]
k = 1.0
[solver]
algorithm = "dormand_prince_54"
atol = 1e-10
rtol = 1e-10
duration = 1.0
[sweep]
k = [0.5, 1.0, 2.0]
]=])
set(cubie_env ${CMAKE_COMMAND} -E env --unset=CUBIE_INCLUDE_DIR CUBIE_CACHE_DIR=${elsewhere}/cache)

run(${cubie_env} ${prefix}/bin/cubie --version WORKING_DIRECTORY ${elsewhere} OUTPUT version)
expect_contains("${version}" "cubie ${CUBIE_VERSION}" "cubie --version")
run(${cubie_env} ${prefix}/bin/cubie devices WORKING_DIRECTORY ${elsewhere} OUTPUT devices)
expect_contains("${devices}" "headers  ${prefix}/include " "cubie devices (the installed headers, found beside bin/)")

# Hide the source tree's headers where a private mount namespace is allowed (root in most
# containers); elsewhere the `devices` line above shows which headers are used.
set(hide)
execute_process(COMMAND unshare -m true RESULT_VARIABLE unshare_rc OUTPUT_QUIET ERROR_QUIET)
if(unshare_rc EQUAL 0)
  set(hide unshare -m sh -c "mount -t tmpfs tmpfs \"$0\" && exec \"$@\"" ${SOURCE_DIR}/include)
  message("the source tree's include/ is hidden for the installed cubie")
else()
  message("no private mount namespace here: the source tree stays visible (devices showed the headers used)")
endif()
run(${hide} ${cubie_env} ${prefix}/bin/cubie run decay.toml --backend cpu --out decay.h5 --json
    WORKING_DIRECTORY ${elsewhere} OUTPUT summary)
expect_contains("${summary}" "\"runs\":3" "cubie run with the installed headers")
expect_contains("${summary}" "\"failed\":{\"count\":0" "cubie run with the installed headers")
if(NOT EXISTS ${elsewhere}/decay.h5)
  message(FATAL_ERROR "the installed cubie wrote no decay.h5")
endif()

# ---- 4. the C++ consumer: default generator, no build type ------------------------------
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/cpp -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix})
file(STRINGS ${WORK_DIR}/build/CMakeCache.txt build_type REGEX "^CMAKE_BUILD_TYPE:")
if(NOT build_type MATCHES "=Release$")
  message(FATAL_ERROR "examples/cpp without a build type must build Release, got: ${build_type}")
endif()
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/lorenz_sweep)
# A program of the user's finds the headers through CUBIE_INCLUDE_DIR (the README's way).
run(${CMAKE_COMMAND} -E env CUBIE_INCLUDE_DIR=${prefix}/include CUBIE_CACHE_DIR=${elsewhere}/cache
    ${WORK_DIR}/build/model_file_sweep ${elsewhere}/decay.toml ${elsewhere}/decay_cpp.h5 OUTPUT cpp)
expect_contains("${cpp}" "3 runs of decay, 0 failed" "model_file_sweep")
