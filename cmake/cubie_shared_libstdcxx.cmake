# Makes a module that is loaded into someone else's process (the Python extension) use the
# process's libstdc++.so.6, never a static copy of its own.
#
# Why: Python loads libstdc++.so.6 with numpy. A module that carries a second, static
# libstdc++ ends up with two sets of locale facet ids and iostream state, and the first
# locale-dependent call crashes (seen 2026-12-04 on the H200 machine, whose g++ wrapper puts
# a folder holding only libstdc++.a first on the link path: toml++'s float parsing jumped
# into data). GCC has no -shared-libstdc++, so when the compiler cannot find libstdc++.so we
# link the shared library by its soname ourselves, ahead of the implicit -lstdc++.
function(cubie_require_shared_libstdcxx target)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU" OR APPLE OR WIN32)
    return()
  endif()
  # The linker takes the first folder holding either libstdc++.so or libstdc++.a: static
  # linking happens when the archive is found where the shared library is not.
  foreach(kind so a)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libstdc++.${kind}
                    OUTPUT_VARIABLE found_${kind} OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    set(dir_${kind} "")
    if(IS_ABSOLUTE "${found_${kind}}" AND EXISTS "${found_${kind}}")
      get_filename_component(dir_${kind} "${found_${kind}}" DIRECTORY)
      get_filename_component(dir_${kind} "${dir_${kind}}" REALPATH)
    endif()
  endforeach()
  if(dir_so AND (NOT dir_a OR dir_a STREQUAL dir_so))
    return()  # the compiler links the shared library itself
  endif()
  if(NOT dir_so AND NOT dir_a)
    return()  # not a libstdc++ toolchain we understand: leave it alone
  endif()
  find_library(CUBIE_SHARED_LIBSTDCXX NAMES libstdc++.so.6
               HINTS ${dir_so} ${CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES} /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib)
  if(CUBIE_SHARED_LIBSTDCXX)
    message(STATUS "cubie: ${CMAKE_CXX_COMPILER} would link ${found_a} (no libstdc++.so "
                   "beside it); ${target} links ${CUBIE_SHARED_LIBSTDCXX} instead")
    target_link_libraries(${target} PRIVATE "${CUBIE_SHARED_LIBSTDCXX}")
  else()
    message(WARNING "cubie: ${CMAKE_CXX_COMPILER} would link ${found_a}, so ${target} would carry a static "
                    "libstdc++ and crash next to numpy's; install the compiler's libstdc++ development "
                    "package or point CMAKE_CXX_COMPILER at a g++ that links libstdc++.so")
  endif()
endfunction()
