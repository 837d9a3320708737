#!/usr/bin/env bash
# A throwaway RabbitMQ node for the samples' tests (see shared/DEPENDENCIES.md, "RabbitMQ"):
#   tests/rabbitmq-server.sh start     installs rabbitmq-server with apt when missing (root), starts a fresh node on
#                                      127.0.0.1, prints the AMQP URI on stdout (the last line)
#   tests/rabbitmq-server.sh restart   stops the node and starts it again on the same data (durable queues and
#                                      persistent messages survive; clients see their connections drop)
#   tests/rabbitmq-server.sh stop      stops the node and its port mapper (epmd) and deletes the data
# Settings: SWITCHYARD_RABBIT_PORT (AMQP, default 55672; the Erlang distribution port is PORT+1 and the port mapper
# PORT+2, all three must be free), SWITCHYARD_RABBIT_ROOT (default /tmp/switchyard-rabbitmq-$PORT).
set -euo pipefail

port=${SWITCHYARD_RABBIT_PORT:-55672}
root=${SWITCHYARD_RABBIT_ROOT:-/tmp/switchyard-rabbitmq-$port}
bin=/usr/lib/rabbitmq/bin

# Everything the node and rabbitmqctl must agree on, all bound to loopback. Without inet_dist_use_interface the
# Erlang distribution port listens on 0.0.0.0.
export RABBITMQ_NODENAME=switchyard$port@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port \
  RABBITMQ_DIST_PORT=$((port + 1)) ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=$((port + 2)) \
  RABBITMQ_MNESIA_BASE=$root/mnesia RABBITMQ_LOG_BASE=$root/log RABBITMQ_PID_FILE=$root/pid \
  RABBITMQ_ENABLED_PLUGINS_FILE=$root/enabled_plugins \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

ensure_installed() {
  [ -x "$bin/rabbitmq-server" ] && return
  if [ "$(id -u)" != 0 ]; then
    echo "rabbitmq-server.sh: rabbitmq-server is not installed and this is not root (apt-get install rabbitmq-server)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends rabbitmq-server >&2
}

# Debian's /usr/sbin wrappers `su` to the rabbitmq user; the real scripts are run as that user directly here
# (with its home, where the Erlang cookie lives).
as_rabbit() {
  if [ "$(id -u)" = 0 ]; then HOME=/var/lib/rabbitmq runuser -u rabbitmq -- "$@"; else "$@"; fi
}

port_busy() { ss -ltn | awk '{print $4}' | grep -Eq "[:.]$1\$"; }

launch() {
  [ "$(id -u)" = 0 ] && chown -R rabbitmq:rabbitmq "$root"
  # setsid: the node outlives this script and is not in the caller's process group (a test's kill of its own
  # group leaves it alone); it is stopped only through rabbitmqctl.
  as_rabbit setsid "$bin/rabbitmq-server" >>"$root/stdout.log" 2>&1 </dev/null &
  if ! as_rabbit "$bin/rabbitmqctl" -q wait "$root/pid" --timeout 120 >&2; then
    cat "$root/stdout.log" >&2
    exit 1
  fi
}

shutdown_node() {
  if [ -f "$root/pid" ]; then as_rabbit "$bin/rabbitmqctl" -q stop "$root/pid" >&2 || true; fi
}

case "${1:-}" in
  start)
    ensure_installed
    for p in "$port" $((port + 1)) $((port + 2)); do
      if port_busy "$p"; then
        echo "rabbitmq-server.sh: port $p is in use; set SWITCHYARD_RABBIT_PORT to a free port (it uses PORT, PORT+1, PORT+2)" >&2
        exit 1
      fi
    done
    rm -rf "$root"; mkdir -p "$root/log"
    : >"$root/enabled_plugins"   # no plugins: the node starts faster and opens no other port
    launch
    echo "amqp://guest:guest@127.0.0.1:$port/"
    ;;
  restart)
    shutdown_node
    launch
    ;;
  stop)
    shutdown_node
    as_rabbit epmd -kill >/dev/null 2>&1 || true   # the Erlang port mapper stays up otherwise
    rm -rf "$root"
    ;;
  *)
    echo "usage: $0 start|restart|stop" >&2
    exit 2
    ;;
esac
