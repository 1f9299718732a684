# Script run by ctest: configure and generate the whole project with GENERATOR and no
# build type; fail on any error and unless the build type became Release.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR} -G ${GENERATOR} ${ARGS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR err MATCHES "CMake Error")
  message(FATAL_ERROR "configuring with ${GENERATOR} failed (${rc}):\n${out}\n${err}")
endif()
file(STRINGS ${WORK_DIR}/CMakeCache.txt build_type REGEX "^CMAKE_BUILD_TYPE:")
if(NOT build_type MATCHES "=Release$")
  message(FATAL_ERROR "no build type given: expected Release, got '${build_type}'")
endif()
message("configured with ${GENERATOR}: ${build_type}")
file(REMOVE_RECURSE ${WORK_DIR})
