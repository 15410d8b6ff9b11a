# `cmake --install build [--prefix /usr]`: the binary, the plugins, the shipped mappings and
# holiday data, the systemd unit and the operator's documents (docs/operations.md).
# The installed daemon is pointed at these folders by its configuration file (data.dir,
# plugin.dir); the paths compiled into the binary are those of the build tree.
include(GNUInstallDirs)

install(TARGETS creditgw RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

get_target_property(creditgw_plugin_targets creditgw_plugins MANUALLY_ADDED_DEPENDENCIES)
install(TARGETS ${creditgw_plugin_targets} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/creditgw/plugins)

# Golden cases included: `creditgw mapping test` checks an installed system too.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/mappings DESTINATION ${CMAKE_INSTALL_DATADIR}/creditgw)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/data/holidays DESTINATION ${CMAKE_INSTALL_DATADIR}/creditgw/data)

install(FILES ${CMAKE_SOURCE_DIR}/packaging/creditgw.service DESTINATION lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/docs/operations.md ${CMAKE_SOURCE_DIR}/docs/creditgw.properties.example
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
