#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the bench (see shared/DEPENDENCIES.md):
#   tests/pg-server.sh start     installs postgresql with apt when missing (root), starts a cluster on 127.0.0.1,
#                                prints the Npgsql connection string on stdout (the last line)
#   tests/pg-server.sh restart   pg_ctl restart -m fast (the reliability tests restart the server mid-run)
#   tests/pg-server.sh stop      pg_ctl stop -m fast and delete the cluster
# Settings: SWITCHYARD_PG_PORT (default 55432, must be free), SWITCHYARD_PG_ROOT (default /tmp/switchyard-pg-$PORT).
set -euo pipefail

port=${SWITCHYARD_PG_PORT:-55432}
root=${SWITCHYARD_PG_ROOT:-/tmp/switchyard-pg-$port}

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "pg-server.sh: PostgreSQL is not installed and this is not root (apt-get install postgresql)" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends postgresql >&2
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$bin"
}

# initdb refuses root: run the server tools as the postgres user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    bin=$(pg_bin)
    if ss -ltn | awk '{print $4}' | grep -Eq "[:.]$port\$"; then
      echo "pg-server.sh: port $port is in use; set SWITCHYARD_PG_PORT to a free port" >&2
      exit 1
    fi
    rm -rf "$root"; mkdir -p "$root"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$root"
    as_pg "$bin/initdb" -D "$root/data" -U postgres --auth=trust -E UTF8 --no-locale >"$root/initdb.log" 2>&1 \
      || { cat "$root/initdb.log" >&2; exit 1; }
    # fsync stays on: the reliability tests promise that acknowledged jobs survive a restart.
    as_pg "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
      -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c max_connections=300" start >&2 \
      || { cat "$root/server.log" >&2; exit 1; }
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  restart)
    bin=$(pg_bin)
    as_pg "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 -m fast restart >&2
    ;;
  stop)
    bin=$(pg_bin)
    if [ -d "$root/data" ]; then as_pg "$bin/pg_ctl" -D "$root/data" -m fast -w stop >&2 || true; fi
    rm -rf "$root"
    ;;
  *)
    echo "usage: $0 start|restart|stop" >&2
    exit 2
    ;;
esac
