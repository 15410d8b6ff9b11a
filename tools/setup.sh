#!/bin/sh
# Installs what creditgw needs on Debian 12 (only what is missing) and builds it into build/.
# Used by both README commands and by .ci/run.
set -eu
cd "$(dirname "$0")/.."
# The build's plugin folder must be writable by its owner only: creditgw refuses it otherwise.
umask 022

# Build: compiler, libraries. Tests: a PostgreSQL server (started privately by the ctest fixture),
# chromium for the dashboard (fonts-wqy-zenhei so its screenshots show Chinese), promtool (prometheus) for /metrics, openpyxl as an independent XLSX
# reader and writer; ccache only speeds up rebuilds.
packages="build-essential cmake pkg-config openssl libpoco-dev libxml2-dev libxml2-utils libssl-dev
  libsqlite3-dev sqlite3 libgtest-dev libxlsxwriter-dev libpcre2-dev libpq-dev postgresql
  chromium fonts-wqy-zenhei prometheus python3-openpyxl ccache"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  as_root=""
  [ "$(id -u)" = 0 ] || as_root="sudo"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $missing
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build build -j"$(nproc)"
