# Debian package: `cpack -G DEB` in the build directory (after building `kitrader`).
# Installs bin/kitrader (installed by the top-level install(TARGETS)), the systemd units, the
# example configuration and the operator docs; maintainer scripts create the `kitrader` system user,
# /etc/kitrader (with kitrader.toml copied from the example if absent) and reload systemd.
# Include it after the targets are defined: include(cmake/packaging.cmake).

set(KT_PACKAGING_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." CACHE PATH "Repository root holding deploy/ and docs/")
set(KT_PACKAGE_MAINTAINER "KiTraderBot maintainers <kitrader@example.org>" CACHE STRING "Debian Maintainer field")

install(FILES
  ${KT_PACKAGING_ROOT}/deploy/kitrader.service
  ${KT_PACKAGING_ROOT}/deploy/kitrader-backup.service
  ${KT_PACKAGING_ROOT}/deploy/kitrader-backup.timer
  DESTINATION lib/systemd/system)
install(FILES
  ${KT_PACKAGING_ROOT}/deploy/kitrader.example.toml
  ${KT_PACKAGING_ROOT}/deploy/kitrader.env.example
  DESTINATION share/doc/kitrader/examples)
foreach(doc operations.md troubleshooting.md)
  if(EXISTS ${KT_PACKAGING_ROOT}/docs/${doc})
    install(FILES ${KT_PACKAGING_ROOT}/docs/${doc} DESTINATION share/doc/kitrader)
  endif()
endforeach()

# Maintainer scripts, generated so they live next to the rest of the packaging.
set(kt_deb_scripts ${CMAKE_CURRENT_BINARY_DIR}/debian-scripts)
file(MAKE_DIRECTORY ${kt_deb_scripts})
file(WRITE ${kt_deb_scripts}/postinst [=[#!/bin/sh
set -e
if [ "$1" = "configure" ]; then
  if ! getent passwd kitrader >/dev/null; then
    # The home exists before adduser, which otherwise warns that it "can't be accessed".
    install -d -m 0750 /var/lib/kitrader
    adduser --system --group --home /var/lib/kitrader --no-create-home --gecos "KiTraderBot" kitrader >/dev/null
    chown kitrader:kitrader /var/lib/kitrader
  fi
  install -d -m 0755 -o root -g root /etc/kitrader
  install -d -m 0700 -o root -g root /etc/kitrader/credentials
  if [ ! -e /etc/kitrader/kitrader.toml ]; then
    install -m 0644 -o root -g root /usr/share/doc/kitrader/examples/kitrader.example.toml /etc/kitrader/kitrader.toml
  fi
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null || true
  fi
  echo "kitrader: store the bot token, then start:  see /usr/share/doc/kitrader/operations.md"
fi
exit 0
]=])
file(WRITE ${kt_deb_scripts}/prerm [=[#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = "remove" ]; then
  systemctl stop kitrader-backup.timer kitrader.service >/dev/null 2>&1 || true
fi
exit 0
]=])
file(WRITE ${kt_deb_scripts}/postrm [=[#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null || true
fi
# Data (/var/lib/kitrader), logs and /etc/kitrader are kept, even on purge: they hold user money.
exit 0
]=])
file(CHMOD ${kt_deb_scripts}/postinst ${kt_deb_scripts}/prerm ${kt_deb_scripts}/postrm
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kitrader)
set(CPACK_PACKAGE_VENDOR "KiTraderBot")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Paper trading of Solana tokens over Telegram")
set(CPACK_PACKAGE_DESCRIPTION "A Telegram bot (and local console) for paper trading Solana tokens at live prices,
with exact integer money, an append-only ledger, SQLite or PostgreSQL storage, Prometheus metrics and
systemd units.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${KT_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Library dependencies come from dpkg-shlibdeps; these are what the scripts and features need.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core, postgresql-client")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${kt_deb_scripts}/postinst;${kt_deb_scripts}/prerm;${kt_deb_scripts}/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
