#!/usr/bin/env bash
# The directory as authorities keep it, through the tracenet command line: keys, a draft,
# separate signatures merged, k-1 refused, tampering refused, the next version, a rotation and a
# revocation. Usage: directory_cli_test.sh TRACENET_BINARY
set -euo pipefail
tracenet=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

for i in 1 2 3; do "$tracenet" directory authority-keygen --out auth$i.key | tail -1 >auth$i.pub; done
[[ $(stat -c %a auth1.key) == 600 ]] || fail "authority key is not mode 0600"
pins=(--federation test-fed --threshold 2 --authority "$(cat auth1.pub)" --authority "$(cat auth2.pub)" --authority "$(cat auth3.pub)")
"$tracenet" keygen --id HUB-A --country FRA --dir hub --endpoint tcp://127.0.0.1:7400 >/dev/null
"$tracenet" keygen --id MEX-FGR --country MEX --dir mex >/dev/null
"$tracenet" keygen --id MEX-FGR --country MEX --dir mex-next >/dev/null

"$tracenet" directory init --federation test-fed --out draft.dir >/dev/null
"$tracenet" directory add-member --in draft.dir --peer-entry hub/public.toml --name "Hub A" --role hub >/dev/null
"$tracenet" directory add-member --in draft.dir --peer-entry mex/public.toml --name "FGR" --home-hub HUB-A --endpoint none >/dev/null
if "$tracenet" directory add-member --in draft.dir --peer-entry mex/public.toml --name "FGR again" 2>err.txt; then fail "a repeated member was added"; fi
grep -q "already listed" err.txt || fail "no reason for the refused member: $(cat err.txt)"

# Each authority signs on its own machine; one signature is not enough.
"$tracenet" directory sign --in draft.dir --key auth1.key --out part1.dir >/dev/null
"$tracenet" directory sign --in draft.dir --key auth3.key --out part3.dir >/dev/null
if "$tracenet" directory verify --in part1.dir "${pins[@]}" >out.txt; then fail "k-1 signatures accepted"; fi
grep -q "1 valid signature from the pinned authorities; 2 are required" out.txt || fail "$(cat out.txt)"
"$tracenet" directory merge part1.dir part3.dir --out v1.dir >/dev/null
"$tracenet" directory verify --in v1.dir "${pins[@]}" | grep -q "VALID: test-fed version 1" || fail "merged directory not valid"

# A byte changed anywhere in the signed file: refused (or unreadable), never valid.
python3 - <<'PY'
data = bytearray(open("v1.dir", "rb").read())
data[len(data) // 2] ^= 0x40
open("tampered.dir", "wb").write(data)
PY
if "$tracenet" directory verify --in tampered.dir "${pins[@]}" >/dev/null 2>&1; then fail "tampered directory accepted"; fi

# Version 2: MEX-FGR rotates its keys with a week's overlap, and the hub's old key is revoked.
"$tracenet" directory next --in v1.dir --out v2.dir >/dev/null
"$tracenet" directory update-member --in v2.dir --id MEX-FGR --rotate-to mex-next/public.toml --overlap-days 7 | grep -q "old ones stay valid" || fail "rotation"
hub_sign=$(grep sign_key hub/public.toml | cut -d'"' -f2)
"$tracenet" directory revoke-key --in v2.dir --key "$hub_sign" --reason "laptop stolen" >/dev/null
"$tracenet" directory sign --in v2.dir --key auth2.key >/dev/null
"$tracenet" directory sign --in v2.dir --key auth3.key >/dev/null
"$tracenet" directory verify --in v2.dir "${pins[@]}" | grep -q "VALID: test-fed version 2" || fail "version 2 not valid"
"$tracenet" directory show --in v2.dir >show.txt
grep -q "REVOKED" show.txt || fail "revocation not shown"
[[ $(grep -c "signing key" show.txt) == 3 ]] || fail "rotation should list old and new signing keys: $(cat show.txt)"
grep -q "outbound only" show.txt || fail "outbound-only member not shown"

# Editing a signed version drops its signatures.
"$tracenet" directory remove-member --in v2.dir --id MEX-FGR | grep -q "no longer apply" || fail "signatures kept after an edit"
if "$tracenet" directory verify --in v2.dir "${pins[@]}" >/dev/null; then fail "edited directory still valid"; fi
echo "directory command line: all checks passed"
