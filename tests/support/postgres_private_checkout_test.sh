#!/usr/bin/env bash
# The PostgreSQL test server starts from a checkout that its user cannot enter: the script is
# copied into a mode-0700 directory (as a clone in root's home would be) and started, queried and
# stopped from there. Only meaningful as root, where the server runs as another user.
set -euo pipefail
source_dir=$1 port=${2:-55433}
if [[ $(id -u) -ne 0 ]]; then
  echo "not root: the server runs as this user, who can enter the checkout; nothing to check"
  echo "private checkout check passed"
  exit 0
fi
home=$(mktemp -d /tmp/tracenet-private-home.XXXXXX)
trap 'rm -rf "$home"' EXIT
chmod 700 "$home"
mkdir -p "$home/project/tests/support" "$home/project/build"
cp "$source_dir/tests/support/postgres_server.sh" "$home/project/tests/support/"
cd "$home/project/build"
state="$home/project/build/postgres-test"
../tests/support/postgres_server.sh start "$state" "$port"
trap '../tests/support/postgres_server.sh stop "$state" >/dev/null 2>&1 || true; rm -rf "$home"' EXIT
server_dir=$(cat "$state/server_dir")
answer=$(psql "$(cat "$state/conninfo")" -Atc "SELECT 40 + 2")
[[ "$answer" == 42 ]] || { echo "query answered '$answer'" >&2; exit 1; }
../tests/support/postgres_server.sh restart "$state" "$port"
answer=$(psql "$(cat "$state/conninfo")" -Atc "SELECT 1")
[[ "$answer" == 1 ]] || { echo "after restart the query answered '$answer'" >&2; exit 1; }
../tests/support/postgres_server.sh stop "$state"
[[ ! -e "$server_dir" ]] || { echo "the server's directory $server_dir was left behind" >&2; exit 1; }
[[ ! -e "$state" ]] || { echo "$state was left behind" >&2; exit 1; }
echo "private checkout check passed"
