# Install rules: an installed cubie is found with find_package(cubie) and linked as
# cubie::cubie (the engine), cubie::models (model files, run-time compilation),
# cubie::io (HDF5 and CSV result files) and, opt-in, cubie::cpu_arch (the -march cubie was
# built with; cmake/cubie_flags.cmake). The `cubie` command goes to bin/ and finds the
# headers it compiles models against in ../include beside itself (src/models/).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/cubie DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(cubie_exported_targets cubie cubie_cpu_arch)
foreach(t IN ITEMS cubie_models cubie_io)
  if(TARGET ${t})
    list(APPEND cubie_exported_targets ${t})
  endif()
endforeach()
install(TARGETS ${cubie_exported_targets} EXPORT cubieTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT cubieTargets NAMESPACE cubie:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cubie)
# What the config file needs to know about this build.
set(CUBIE_EXPORTS_MODELS OFF)
set(CUBIE_EXPORTS_IO OFF)
if(TARGET cubie_models)
  set(CUBIE_EXPORTS_MODELS ON)
endif()
if(TARGET cubie_io)
  set(CUBIE_EXPORTS_IO ON)
endif()
configure_package_config_file(cmake/cubieConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/cubieConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cubie)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/cubieConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cubieConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/cubieConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cubie)
