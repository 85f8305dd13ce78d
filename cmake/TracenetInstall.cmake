# `cmake --install`: the tracenet program, and the adapter SDK (C ABI header, C++ contract,
# normal forms, libraries) with a CMake package, so an adapter outside this repository builds
# with find_package(tracenet) and links tracenet::adapter_sdk.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS tracenet RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS tracenet_adapter_sdk tracenet_result EXPORT tracenetTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES
    adapters/sdk/tracenet_adapter.h adapters/sdk/registry_adapter.h adapters/sdk/normalise.h
    adapters/sdk/findings_assembly.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tracenet/adapters/sdk)
install(FILES node/common/result.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tracenet/node/common)
install(FILES adapters/sdk/README.md adapters/process/PROTOCOL.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

install(EXPORT tracenetTargets NAMESPACE tracenet:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tracenet)
configure_package_config_file(cmake/tracenetConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/tracenetConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tracenet)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tracenetConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tracenetConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/tracenetConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tracenet)
