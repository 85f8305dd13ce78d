#!/usr/bin/env python3
"""An external-process registry adapter for tracenet, in Python with the standard library only.

It answers lookups from a CSV registry export (one row per custody event, the columns of
`tracenet adapter fixture --format csv`). Replace load_registry() with calls to your own
system; keep the protocol loop as it is. Protocol: adapters/process/PROTOCOL.md.

Node config:
    [registry]
    adapter = "process"
    [registry.process]
    command = ["python3", "registry_adapter.py"]
    settings = { data = "registry.csv" }
"""
import csv
import json
import re
import sys

PROTOCOL_VERSION = 1
END_OF_CHAIN = {"first_retail_purchaser", "government_stock", "last_known_legal_holder"}
# The same aliases the node's normaliser resolves (adapters/sdk/normalise.cpp).
MAKE_ALIASES = {
    "SW": "SMITHWESSON", "SMITHANDWESSON": "SMITHWESSON", "FN": "FNHERSTAL",
    "FABRIQUENATIONALE": "FNHERSTAL", "FNH": "FNHERSTAL", "HK": "HECKLERKOCH",
    "HECKLERANDKOCH": "HECKLERKOCH", "RUGER": "STURMRUGER", "STURMRUGERCO": "STURMRUGER",
    "CZ": "CESKAZBROJOVKA", "CZUB": "CESKAZBROJOVKA", "SIG": "SIGSAUER",
}


def upper_alnum(text):
    return re.sub(r"[^A-Z0-9]", "", text.upper()) if text.isascii() else \
        "".join(c for c in text.upper() if c.isascii() and c.isalnum())


def normalise_serial(serial):
    """Case, spaces and punctuation dropped; the letter O read as zero (NCIC practice)."""
    return upper_alnum(serial).replace("O", "0")


def normalise_make(make):
    key = upper_alnum(make)
    return MAKE_ALIASES.get(key, key)


def load_registry(path):
    """Index the export by (normalised serial, normalised make)."""
    weapons = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (normalise_serial(row["serial"]), normalise_make(row["manufacturer"]))
            weapon = weapons.setdefault(key, {"weapon": {
                "manufacturer": row["manufacturer"], "model": row["model"], "type": row["type"],
                "calibre": row["calibre"], "country_of_manufacture": row["country_of_manufacture"],
                "year": int(row["year"] or 0)}, "chain": []})
            if row["role"]:
                weapon["chain"].append({k: row[k] for k in (
                    "role", "name", "licence_number", "country", "address", "date_in",
                    "document_type", "document_reference", "source_record")})
    for weapon in weapons.values():
        weapon["chain"].sort(key=lambda e: e["date_in"])  # stable: file order breaks ties
    return weapons


def lookup(weapons, query):
    serial = normalise_serial(query.get("serial", ""))
    if not serial:
        return {"outcome": "no_record"}
    weapon = weapons.get((serial, normalise_make(query.get("manufacturer", ""))))
    if weapon is None:
        return {"outcome": "no_record"}
    chain = weapon["chain"]
    complete = bool(chain) and chain[-1]["role"] in END_OF_CHAIN
    return {"outcome": "found" if complete else "partial", "weapon": weapon["weapon"], "chain": chain,
            "comments": "" if complete else "the registry's records end before the last legal holder"}


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main():
    hello = json.loads(sys.stdin.readline() or "{}")
    if PROTOCOL_VERSION not in hello.get("versions", []):
        send({"type": "error", "message": "this adapter speaks protocol version 1"})
        return 1
    try:
        weapons = load_registry(hello.get("settings", {}).get("data", "registry.csv"))
    except (OSError, KeyError, ValueError) as e:
        send({"type": "error", "message": f"cannot load the registry: {e}"})
        return 1
    send({"type": "hello", "version": PROTOCOL_VERSION, "name": "python-csv-example"})
    for line in sys.stdin:
        request = json.loads(line)
        reply = {"id": request.get("id", 0)}
        if request.get("type") == "lookup":
            reply.update(type="findings", **lookup(weapons, request.get("query", {})))
        elif request.get("type") == "health":
            reply.update(type="health", ok=True)
        else:
            reply.update(type="error", code="error", message="unknown request type")
        send(reply)
    return 0


if __name__ == "__main__":
    sys.exit(main())
