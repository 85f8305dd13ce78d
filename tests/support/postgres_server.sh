#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for the adapter tests, on 127.0.0.1 only.
#   postgres_server.sh start STATE_DIR [PORT]   initdb, start, create the registry database;
#                                               writes STATE_DIR/conninfo
#   postgres_server.sh restart STATE_DIR [PORT] stop at once and start again (same data)
#   postgres_server.sh stop STATE_DIR           stop it and remove its data and STATE_DIR
# STATE_DIR is the caller's (it may sit inside a checkout in a private home directory); the
# server's own files (data, log, socket) live in a fresh directory under /tmp that the server's
# user owns, named in STATE_DIR/server_dir. As root the server runs as the 'postgres' system
# user (PostgreSQL refuses to run as root), which need not be able to enter the checkout.
set -euo pipefail
action=${1:-} state=${2:-} port=${3:-55432}
[[ -n "$action" && -n "$state" ]] || { echo "usage: $0 start|restart|stop STATE_DIR [PORT]" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$bin/initdb" ]] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi
# Runs a server command as its owner from inside the server's directory: the caller's working
# directory may be one the owner cannot enter.
server() { (cd "$dir" && "${as_owner[@]}" "$@"); }
server_up() {
  server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >/dev/null
}
stop_previous() {
  [[ -f "$state/server_dir" ]] || return 0
  dir=$(cat "$state/server_dir")
  if [[ -f "$dir/data/postmaster.pid" ]]; then server "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  [[ "$dir" == /tmp/tracenet-postgres.* ]] && rm -rf "$dir"
  rm -f "$state/server_dir" "$state/conninfo"
}

case "$action" in
  start)
    mkdir -p "$state"
    stop_previous
    dir=$(mktemp -d /tmp/tracenet-postgres.XXXXXX)
    echo "$dir" >"$state/server_dir"
    [[ ${#as_owner[@]} -gt 0 ]] && chown postgres "$dir"
    if ! server "$bin/initdb" -D "$dir/data" -A trust -U tracenet --no-sync >"$state/initdb.log" 2>&1; then
      echo "initdb failed:" >&2; tail -5 "$state/initdb.log" >&2; exit 1
    fi
    if ! server_up; then echo "PostgreSQL did not start:" >&2; tail -5 "$dir/server.log" >&2; exit 1; fi
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U tracenet registry
    echo "host=127.0.0.1 port=$port dbname=registry user=tracenet connect_timeout=5" >"$state/conninfo"
    echo "PostgreSQL test server on 127.0.0.1:$port (data in $dir)"
    ;;
  restart)
    dir=$(cat "$state/server_dir")
    server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    server_up
    ;;
  stop)
    stop_previous
    rm -rf "$state"
    ;;
  *) echo "usage: $0 start|restart|stop STATE_DIR [PORT]" >&2; exit 2 ;;
esac
