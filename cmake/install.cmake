# Install rules (ANNE_INSTALL): the runtime library (anne::runtime) and its headers (include/anne/),
# the `anne` tool when it is built (anne::anne) with its man page and bash completion, cmake/anne.cmake and the package config, so that
# another project's find_package(anne) gives both targets and anne_add_model().
include(CMakePackageConfigHelpers)
set(ANNE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/anne CACHE STRING
    "Where the package config goes, below the install prefix")

install(TARGETS anne_runtime EXPORT anne-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${ANNE_RUNTIME_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/anne)
if(TARGET anne)
  install(TARGETS anne EXPORT anne-targets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(TARGET anne_docs) # generated from the help texts (tools/CMakeLists.txt)
  install(FILES ${PROJECT_BINARY_DIR}/anne.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${PROJECT_BINARY_DIR}/anne.bash-completion
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME anne)
endif()
install(EXPORT anne-targets NAMESPACE anne:: FILE anne-targets.cmake DESTINATION ${ANNE_INSTALL_CMAKEDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/anne-config.cmake.in
  ${PROJECT_BINARY_DIR}/anne-config.cmake INSTALL_DESTINATION ${ANNE_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
# Generated C refuses a runtime of another major.minor version (docs/codegen.md): so does the package.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/anne-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/anne-config.cmake ${PROJECT_BINARY_DIR}/anne-config-version.cmake
        ${PROJECT_SOURCE_DIR}/cmake/anne.cmake DESTINATION ${ANNE_INSTALL_CMAKEDIR})
