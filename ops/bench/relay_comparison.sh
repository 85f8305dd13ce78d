#!/usr/bin/env bash
# Relay comparison (on demand, not in CI), all in one run on this machine:
#   1. direct: MEX-FGR -> USA-ATF, durable at both ends (exchange_bench);
#   2. via hub: both centres outbound-only, every message through HUB-LYON, durable at every hop
#      (exchange_bench --via-hub);
#   3. RabbitMQ, Debian's rabbitmq-server as a durable relay of the same 1 KiB messages: durable
#      queue, persistent messages, publisher confirms, manual-ack consumer (amqp_relay_bench),
#      on a private broker this script starts on 127.0.0.1 and stops again.
# Prints each figure and the ratios the federation targets are stated in.
#   ops/bench/relay_comparison.sh [MESSAGES]
set -euo pipefail
cd "$(dirname "$0")/../.."
messages=${1:-20000}

rabbitmq_was_installed=yes
dpkg-query -W -f='${Status}' rabbitmq-server 2>/dev/null | grep -q "install ok installed" || rabbitmq_was_installed=no
ops/setup.sh --with-rabbitmq >/dev/null
if [[ $rabbitmq_was_installed == no ]] && command -v systemctl >/dev/null; then
  systemctl stop rabbitmq-server 2>/dev/null || true  # the package starts a system broker: not ours to run
fi
cmake --preset dev >/dev/null  # finds librabbitmq now that it is installed
cmake --build build/dev --target exchange_bench amqp_relay_bench tracenet >/dev/null

work=$(mktemp -d /tmp/tracenet-relay-comparison.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
node="tracenet-bench-$$@localhost"
epmd_was_running=no
pgrep -x epmd >/dev/null && epmd_was_running=yes
export HOME="$work" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
  RABBITMQ_DIST_PORT=$((port + 1)) RABBITMQ_MNESIA_BASE="$work/mnesia" RABBITMQ_LOG_BASE="$work/log" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$work/enabled_plugins" RABBITMQ_CONFIG_FILE="$work/rabbitmq" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" ERL_EPMD_ADDRESS=127.0.0.1
echo "[]." >"$work/enabled_plugins"
echo "loopback_users = none" >"$work/rabbitmq.conf"
stop_broker() {
  /usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" stop >/dev/null 2>&1 || pkill -f "$node" || true
  [[ $epmd_was_running == no ]] && { epmd -kill >/dev/null 2>&1 || true; }
  rm -rf "$work"
}
trap stop_broker EXIT
/usr/lib/rabbitmq/bin/rabbitmq-server >"$work/server.out" 2>&1 &
for _ in $(seq 1 120); do
  /usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" await_startup --timeout 1 >/dev/null 2>&1 && break
  sleep 1
done
/usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" await_startup --timeout 1 >/dev/null ||
  { echo "RabbitMQ did not start; see $work/server.out" >&2; cat "$work/server.out" >&2; exit 1; }
version=$(/usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" version 2>/dev/null || echo "?")

echo "== 1. direct, node to node ($messages traces of ~1 KiB)"
build/dev/tests/bench/exchange_bench --requests "$messages" --clients 16 | tee "$work/direct.out"
echo
echo "== 2. through one hub"
build/dev/tests/bench/exchange_bench --requests "$messages" --clients 16 --via-hub | tee "$work/hub.out"
echo
echo "== 3. RabbitMQ $version, durable relay of $((messages * 5)) messages of 1 KiB"
build/dev/tests/bench/amqp_relay_bench --port "$port" --messages $((messages * 5)) | tee "$work/rabbitmq.out"

direct=$(grep '^end to end:' "$work/direct.out" | sed 's/.*receipt, \([0-9]*\) requests.*/\1/')
hub=$(grep '^end to end:' "$work/hub.out" | sed 's/.*receipt, \([0-9]*\) requests.*/\1/')
rabbit=$(grep '^rabbitmq relay:' "$work/rabbitmq.out" | sed 's/.*: *\([0-9]*\) messages.*/\1/')
echo
echo "== ratios (same run)"
awk -v d="$direct" -v h="$hub" -v r="$rabbit" 'BEGIN {
  printf "hub relay / direct:          %6.2fx  (%d vs %d traces/s; target >= 0.50x)\n", h / d, h, d
  printf "hub relay / RabbitMQ relay:  %6.2fx  (%d traces/s, signed and end-to-end encrypted, vs %d messages/s; target >= 1.0x)\n", h / r, h, r
}'
