# Install rules: an installed cubie is found with find_package(cubie) and linked as
# cubie::cubie.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/cubie DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS cubie cubie_flags EXPORT cubieTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT cubieTargets NAMESPACE cubie:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cubie)
configure_package_config_file(cmake/cubieConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/cubieConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cubie)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/cubieConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cubieConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/cubieConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cubie)
