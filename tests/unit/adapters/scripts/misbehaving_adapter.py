#!/usr/bin/env python3
"""An external-process adapter that misbehaves on demand, for the seam tests. It answers like the
example adapter (examples/adapters/python_process) except for these serials:
  HANG-*     never answers          GARBAGE-*  prints a line that is not JSON
  EXIT-*     exits with status 3    BADROLE-*  answers with a custody role that does not exist
  WRONGID-*  answers another request's id
With settings {"hello_version": N} it claims protocol version N in its hello."""
import importlib.util
import json
import os
import sys
import time

spec = importlib.util.spec_from_file_location("example", os.environ["TRACENET_EXAMPLE_ADAPTER"])
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


hello = json.loads(sys.stdin.readline())
settings = hello.get("settings", {})
send({"type": "hello", "version": settings.get("hello_version", 1), "name": "misbehaving"})
weapons = example.load_registry(settings["data"])
for line in sys.stdin:
    request = json.loads(line)
    serial = request.get("query", {}).get("serial", "")
    if serial.startswith("HANG-"):
        time.sleep(3600)
    if serial.startswith("GARBAGE-"):
        sys.stdout.write("<html>500 Internal Server Error</html>\n")
        sys.stdout.flush()
        continue
    if serial.startswith("EXIT-"):
        sys.exit(3)
    reply = {"type": "findings", "id": request.get("id", 0)}
    if request.get("type") == "health":
        reply.update(type="health", ok=True)
    else:
        reply.update(example.lookup(weapons, request.get("query", {})))
    if serial.startswith("BADROLE-"):
        reply.update(outcome="found", weapon={}, chain=[{"role": "smuggler", "name": "X"}])
    if serial.startswith("WRONGID-"):
        reply["id"] = reply["id"] + 1000
    send(reply)
