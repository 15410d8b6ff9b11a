#!/bin/sh
# Starts or stops a private PostgreSQL server for the tests (ctest fixture "postgres"):
#   postgres-fixture.sh start|stop DIR PORT
# Its own data folder DIR, listening on 127.0.0.1:PORT only, trust authentication for the role
# creditgw, database creditgw_test. Debian's server binaries (package postgresql, installed by
# tools/setup.sh); run as root it drops to the postgres user, as initdb requires.
set -eu
action=$1 dir=$2 port=$3
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ]; then
  echo "postgres-fixture: no PostgreSQL server in /usr/lib/postgresql; run tools/setup.sh" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop() {
  [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" stop -m fast >/dev/null 2>&1
  return 0
}
case "$action" in
start)
  stop
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U creditgw --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  # fsync off: the tests kill gateways, never this server, and it keeps the suite fast.
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U creditgw creditgw_test
  echo "PostgreSQL on 127.0.0.1:$port (data in $dir)"
  ;;
stop)
  stop
  rm -rf "$dir"  # a failed run's logs go with it; a passing suite leaves nothing in /tmp
  ;;
*)
  echo "usage: postgres-fixture.sh start|stop DIR PORT" >&2
  exit 2
  ;;
esac
