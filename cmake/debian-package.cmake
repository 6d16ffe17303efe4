# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Debian package (cpack -G DEB), for the Wireshark this build is configured against.
# scripts/package builds it inside a Debian root of each release; configure with
#   -DCCESEC_PACKAGE=ON -DCMAKE_INSTALL_PREFIX=/usr
# The package depends on the exact libwireshark ABI package that owns the library this build
# links (read with dpkg-query, libwireshark16 for 4.0), within this Wireshark's major.minor:
# Wireshark only loads a plugin built for its own major.minor. On another release apt refuses
# it and names the missing dependency.

if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(FATAL_ERROR "CCESEC_PACKAGE needs -DCMAKE_INSTALL_PREFIX=/usr")
endif()
find_program(DPKG_QUERY dpkg-query REQUIRED)
find_program(GZIP gzip REQUIRED)

# ---- what the package installs ---------------------------------------------------------------
set(CCESEC_DOC_DIR share/doc/ccesec)
set(CCESEC_PKG_DIR "${CMAKE_BINARY_DIR}/debian-package")
file(MAKE_DIRECTORY "${CCESEC_PKG_DIR}")

# ccesec-audit, with Debian's python3 in its first line instead of /usr/bin/env.
file(READ "${CMAKE_SOURCE_DIR}/scripts/ccesec-audit" _audit)
string(REGEX REPLACE "^#![^\n]*" "#!/usr/bin/python3" _audit "${_audit}")
file(WRITE "${CCESEC_PKG_DIR}/ccesec-audit" "${_audit}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/scripts/ccesec-audit")
install(PROGRAMS "${CCESEC_PKG_DIR}/ccesec-audit" DESTINATION bin)
# ccesec-audit finds its modules in ../share/ccesec (scripts/lib in the source tree): tshark
# with the plugin, the table reader, the file sets and the HTML report.
file(GLOB CCESEC_AUDIT_MODULES "${CMAKE_SOURCE_DIR}/scripts/lib/ccesec_*.py")
install(FILES ${CCESEC_AUDIT_MODULES} DESTINATION share/ccesec)
install(FILES roles/dcloud-lab.csv DESTINATION share/ccesec/roles)
# Global configuration profiles: Wireshark lists them under Edit > Configuration Profiles.
install(DIRECTORY profiles/ccesec DESTINATION share/wireshark/profiles)
install(FILES packaging/copyright DESTINATION ${CCESEC_DOC_DIR})

# The manual page and the changelog, compressed without a timestamp (reproducible).
string(TIMESTAMP CCESEC_PKG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC) # honours SOURCE_DATE_EPOCH
set(CCESEC_DEB_VERSION "${PROJECT_VERSION}+ws${CCESEC_WS_MAJMIN}")
set(CCESEC_MAINTAINER "ccesec developers <ccesec@users.noreply.github.com>")
file(WRITE "${CCESEC_PKG_DIR}/changelog"
  "ccesec (${CCESEC_DEB_VERSION}) unstable; urgency=medium\n\n"
  "  * ccesec ${PROJECT_VERSION} built for Wireshark ${Wireshark_VERSION}.\n\n"
  " -- ${CCESEC_MAINTAINER}  ${CCESEC_PKG_DATE}\n")
add_custom_command(OUTPUT "${CCESEC_PKG_DIR}/ccesec-audit.1.gz"
  COMMAND ${GZIP} -9nc "${CMAKE_SOURCE_DIR}/docs/ccesec-audit.1" > "${CCESEC_PKG_DIR}/ccesec-audit.1.gz"
  DEPENDS "${CMAKE_SOURCE_DIR}/docs/ccesec-audit.1" VERBATIM)
add_custom_command(OUTPUT "${CCESEC_PKG_DIR}/changelog.gz"
  COMMAND ${GZIP} -9nc "${CCESEC_PKG_DIR}/changelog" > "${CCESEC_PKG_DIR}/changelog.gz"
  DEPENDS "${CCESEC_PKG_DIR}/changelog" VERBATIM)
add_custom_target(debian_package_docs ALL
  DEPENDS "${CCESEC_PKG_DIR}/ccesec-audit.1.gz" "${CCESEC_PKG_DIR}/changelog.gz")
install(FILES "${CCESEC_PKG_DIR}/ccesec-audit.1.gz" DESTINATION share/man/man1)
install(FILES "${CCESEC_PKG_DIR}/changelog.gz" DESTINATION ${CCESEC_DOC_DIR})

# ---- the libwireshark ABI package --------------------------------------------------------------
get_target_property(_epan_location epan LOCATION)
file(REAL_PATH "${_epan_location}" _epan_file)
execute_process(COMMAND ${DPKG_QUERY} -S "${_epan_file}" OUTPUT_VARIABLE _owner
                RESULT_VARIABLE _rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
string(REGEX MATCH "^[^:,]+" CCESEC_WS_LIB_PACKAGE "${_owner}")
if(NOT _rc EQUAL 0 OR NOT CCESEC_WS_LIB_PACKAGE MATCHES "^libwireshark[0-9]+")
  message(FATAL_ERROR "no Debian libwireshark package owns ${_epan_file} (dpkg-query -S: ${_owner})")
endif()
execute_process(COMMAND ${DPKG_QUERY} -W "-f=\${Version}" ${CCESEC_WS_LIB_PACKAGE}
                OUTPUT_VARIABLE _ws_lib_version OUTPUT_STRIP_TRAILING_WHITESPACE
                COMMAND_ERROR_IS_FATAL ANY)
math(EXPR _next_minor "${Wireshark_MINOR_VERSION} + 1")
set(CCESEC_WS_DEPENDS "${CCESEC_WS_LIB_PACKAGE} (>= ${_ws_lib_version}), ${CCESEC_WS_LIB_PACKAGE} (<< ${Wireshark_MAJOR_VERSION}.${_next_minor}~)")
message(STATUS "ccesec: Debian package ${CCESEC_DEB_VERSION} depends on ${CCESEC_WS_DEPENDS}")

# ---- CPack -----------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ccesec)
set(CPACK_PACKAGE_VERSION "${CCESEC_DEB_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Wireshark plugin: is CCE SIP signalling protected by TLS?")
# The synopsis is the summary; CPack writes this as the extended description.
set(CPACK_PACKAGE_DESCRIPTION "ccesec is a Wireshark post-dissector for Cisco Contact Center Enterprise. For
every SIP signalling connection between CUBE, CVP, VVB, CUCM and the agent
phones it names the call leg and gives a security status (secure, weak, failed,
plaintext, unverified) with its evidence: TLS version, cipher, certificate and
alerts, and one sentence that says why and what to change.
.
It adds display-filter fields, expert info, a statistics table (in tshark
and in the GUI's Statistics menu), a Wireshark profile, and ccesec-audit, a
pass/fail report for scripts (text, JSON, JUnit).
.
This build is for Wireshark ${CCESEC_WS_MAJMIN}.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION "${CCESEC_DEB_VERSION}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CCESEC_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CCESEC_WS_DEPENDS}, python3, tshark")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
include(CPack)
