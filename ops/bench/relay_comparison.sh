#!/usr/bin/env bash
# Relay comparison (on demand, not in CI), all in one run on this machine:
#   1. traces direct: MEX-FGR -> USA-ATF, full nodes, durable at both ends (exchange_bench);
#   2. traces via a hub: both centres outbound-only, every message through HUB-LYON, durable at
#      every hop (exchange_bench --via-hub);
#   3. the hub's relay capacity: one real hub, light members on both sides sending pre-sealed
#      1 KiB envelopes and verifying custody (hub_relay_bench);
#   4. RabbitMQ, Debian's rabbitmq-server as a durable relay of the same 1 KiB messages: durable
#      queue, persistent messages, publisher confirms, manual-ack consumer (amqp_relay_bench),
#      on a private broker this script starts on 127.0.0.1 and stops again;
#   5. a hub holding 100,000 messages for an offline member: its memory, then the drain
#      (exchange_bench --offline-recipient).
# Prints each figure and the ratios the federation targets are stated in.
#   ops/bench/relay_comparison.sh [TRACES] [RELAYED]   (defaults 40,000 and 100,000)
set -euo pipefail
cd "$(dirname "$0")/../.."
traces=${1:-40000} relayed=${2:-100000}

rabbitmq_was_installed=yes
dpkg-query -W -f='${Status}' rabbitmq-server 2>/dev/null | grep -q "install ok installed" || rabbitmq_was_installed=no
ops/setup.sh --with-rabbitmq >/dev/null
if [[ $rabbitmq_was_installed == no ]] && command -v systemctl >/dev/null; then
  systemctl stop rabbitmq-server 2>/dev/null || true  # the package starts a system broker: not ours to run
fi
cmake --preset dev >/dev/null  # finds librabbitmq now that it is installed
cmake --build build/dev --target exchange_bench hub_relay_bench amqp_relay_bench tracenet >/dev/null

work=$(mktemp -d /tmp/tracenet-relay-comparison.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) dist_port=$(free_port)
node="tracenet-bench-$$@localhost"
epmd_was_running=no
pgrep -x epmd >/dev/null && epmd_was_running=yes
export HOME="$work" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
  RABBITMQ_DIST_PORT="$dist_port" ERL_CRASH_DUMP="$work/erl_crash.dump" RABBITMQ_MNESIA_BASE="$work/mnesia" RABBITMQ_LOG_BASE="$work/log" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$work/enabled_plugins" RABBITMQ_CONFIG_FILE="$work/rabbitmq" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" ERL_EPMD_ADDRESS=127.0.0.1
echo "[]." >"$work/enabled_plugins"
echo "loopback_users = none" >"$work/rabbitmq.conf"
server_pid=
stop_broker() {
  /usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" stop >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do
    [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null || break
    sleep 1
  done
  pkill -9 -f "$node" 2>/dev/null || true
  [[ $epmd_was_running == no ]] && { epmd -kill >/dev/null 2>&1 || true; }
  rm -rf "$work"
}
trap stop_broker EXIT
/usr/lib/rabbitmq/bin/rabbitmq-server >"$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  /usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" await_startup --timeout 1 >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || break  # it gave up: say why below
  sleep 1
done
/usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" await_startup --timeout 1 >/dev/null ||
  { echo "RabbitMQ did not start:" >&2; tail -5 "$work/server.out" >&2; exit 1; }
version=$(/usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" version 2>/dev/null || echo "?")

echo "== 1. traces direct, node to node ($traces traces of ~1 KiB, 100 per API call)"
build/dev/tests/bench/exchange_bench --requests "$traces" --clients 16 --batch 100 | tee "$work/direct.out"
echo
echo "== 2. traces through one hub"
build/dev/tests/bench/exchange_bench --requests "$traces" --clients 16 --batch 100 --via-hub | tee "$work/hub.out"
echo
echo "== 3. one hub relaying $relayed envelopes of 1 KiB between light members"
build/dev/tests/bench/hub_relay_bench --messages "$relayed" --window 800 2>/dev/null | tee "$work/relay.out"
echo
echo "== 4. RabbitMQ $version, durable relay of $relayed messages of 1 KiB"
build/dev/tests/bench/amqp_relay_bench --port "$port" --messages "$relayed" | tee "$work/rabbitmq.out"
echo
echo "== 5. a hub holding 100000 messages for an offline member"
build/dev/tests/bench/exchange_bench --requests 100000 --clients 4 --batch 100 --offline-recipient |
  grep -E '^(hub holding|drain on reconnect|requests submitted)' | tee "$work/hold.out"

direct=$(grep '^end to end:' "$work/direct.out" | sed 's/.*receipt, \([0-9]*\) requests.*/\1/')
hub=$(grep '^end to end:' "$work/hub.out" | sed 's/.*receipt, \([0-9]*\) requests.*/\1/')
relay=$(grep '^hub relay rate:' "$work/relay.out" | sed 's/.*: *\([0-9]*\) envelopes.*/\1/')
rabbit=$(grep '^rabbitmq relay:' "$work/rabbitmq.out" | sed 's/.*: *\([0-9]*\) messages.*/\1/')
echo
echo "== ratios (same run)"
awk -v d="$direct" -v h="$hub" -v l="$relay" -v r="$rabbit" 'BEGIN {
  printf "traces via hub / direct:     %6.2fx  (%d vs %d traces/s; target >= 0.50x)\n", h / d, h, d
  printf "hub relay / RabbitMQ relay:  %6.2fx  (%d signed, end-to-end encrypted envelopes/s vs %d messages/s; target >= 1.0x)\n", l / r, l, r
}'
held_rss=$(sed -n 's/^hub holding: .* RSS \([0-9]*\) KiB.*/\1/p' "$work/hold.out")
awk -v k="$held_rss" 'BEGIN { printf "hub RSS holding 100,000:     %6.1f MiB  (target <= 64 MiB)\n", k / 1024 }'
