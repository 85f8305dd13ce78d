#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for the adapter tests, on 127.0.0.1 only.
#   postgres_server.sh start DIR [PORT]   initdb in DIR, start, create the registry database,
#                                         write DIR/conninfo
#   postgres_server.sh stop DIR           stop it and remove DIR
# As root, the server runs as the 'postgres' system user (PostgreSQL refuses to run as root).
set -euo pipefail
action=$1 dir=$2 port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$bin/initdb" ]] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi

case "$action" in
  start)
    if [[ -f "$dir/data/postmaster.pid" ]]; then "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ ${#as_owner[@]} -gt 0 ]] && chown postgres "$dir"
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -A trust -U tracenet --no-sync >"$dir/initdb.log"
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >/dev/null
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U tracenet registry
    echo "host=127.0.0.1 port=$port dbname=registry user=tracenet connect_timeout=5" >"$dir/conninfo"
    echo "PostgreSQL test server on 127.0.0.1:$port ($dir)"
    ;;
  stop)
    if [[ -d "$dir/data" ]]; then "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
  restart)
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >/dev/null
    ;;
  *) echo "usage: $0 start|stop|restart DIR [PORT]" >&2; exit 2 ;;
esac
