#!/usr/bin/env python3
"""Every `tracenet` command in the README's shell blocks, run as printed against a live demo
federation, so the documentation cannot drift from the command line again.

The demo (`tracenet demo --dir D`) lays out three national centres and a hub on 127.0.0.1 on a
signed directory; this test starts them again and runs each documented command in order, with
the README's placeholder files and values mapped to the demo's: `tracenet.toml`, `node.toml`
and `/etc/tracenet/tracenet.toml` are MEX-FGR's config, `peer.toml` USA-ATF's, `hub.toml`
HUB-LYON's; CASE_ID is a case MEX-FGR filed, HEX the key the command asks for. A command must
succeed, except the few whose placeholder names something the demo does not have (a trace held
for review, a hit on a record), which must reach the node and be refused by it with a reason —
never by the command line ("arguments were not expected", a missing option, a config not found).

Usage: readme_commands_test.py TRACENET_BINARY SOURCE_DIR
"""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib

# Commands whose README placeholder has no counterpart in the demo: the node refuses them.
REFUSED_BY_NODE = [r"^review (approve|restrict|partial|refuse)\b", r"^stolen (confirm|deny)\b"]
CLI_ERRORS = ["arguments were not expected", "was not expected", "is required", "Run with --help",
              "Could not convert", "could not be opened", "not recognized"]


def readme_commands(path):
    """The `tracenet ...` lines of the README's sh blocks, continuations joined, comments cut."""
    commands, block = [], None
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            block = [] if line.strip() == "```sh" and block is None else None
            continue
        if block is None:
            continue
        block.append(line.rstrip("\n"))
        joined = "\n".join(block)
        if joined.endswith("\\"):
            continue
        text = joined.replace("\\\n", " ")
        block.clear()
        text = re.sub(r"\s+#.*$", "", text).strip()
        if text.startswith("tracenet "):
            commands.append(text)
    return commands


class Federation:
    def __init__(self, tracenet, root):
        self.tracenet, self.root, self.nodes = tracenet, root, []

    def config(self, member):
        return os.path.join(self.root, member, "tracenet.toml")

    def start(self):
        for member in ["HUB-LYON", "MEX-FGR", "USA-ATF", "COL-DIJIN"]:
            log = open(os.path.join(self.root, member, "readme-node.log"), "w")
            self.nodes.append(subprocess.Popen([self.tracenet, "node", "--config", self.config(member)], stdout=log,
                                               stderr=subprocess.STDOUT))
        for member in ["HUB-LYON", "MEX-FGR", "USA-ATF", "COL-DIJIN"]:
            for _ in range(300):
                if self.run(["trace", "list", "--config", self.config(member)]).returncode == 0:
                    break
                time.sleep(0.1)
            else:
                raise SystemExit(f"FAIL {member} did not come up")

    def stop(self):
        for node in self.nodes:
            node.send_signal(signal.SIGTERM)
        for node in self.nodes:
            try:
                node.wait(timeout=20)
            except subprocess.TimeoutExpired:
                node.kill()

    def run(self, args, cwd=None):
        return subprocess.run([self.tracenet] + args, cwd=cwd, capture_output=True, text=True, timeout=60)


def main():
    tracenet, source = os.path.abspath(sys.argv[1]), sys.argv[2]
    work = tempfile.mkdtemp(prefix="tracenet-readme-")
    root = os.path.join(work, "demo")
    demo = subprocess.run([tracenet, "demo", "--dir", root, "--registry-size", "2000"], capture_output=True, text=True,
                          timeout=600)
    if demo.returncode != 0:
        print(demo.stdout, demo.stderr)
        raise SystemExit("FAIL the demo federation did not run")
    fed = Federation(tracenet, root)
    mex = tomllib.load(open(fed.config("MEX-FGR"), "rb"))
    authorities = ",".join(mex["directory"]["authorities"])
    threshold = str(mex["directory"]["threshold"])
    sign_key = tomllib.load(open(os.path.join(root, "MEX-FGR", "public.toml"), "rb"))["peer"][0]["sign_key"]
    with open(os.path.join(work, "export.csv"), "w") as f:
        f.write("record_id,serial,make,type,calibre,category,event_date\nK-2026-90,GLK000771,Glock,pistol,9x19mm,stolen,2026-01-05\n")

    fed.start()
    failures, ran = [], 0
    try:
        listed = json.loads(fed.run(["trace", "list", "--json", "--config", fed.config("MEX-FGR")]).stdout)
        case_id = next(c["case_id"] for c in listed["cases"] if c["direction"] == "outgoing")
        keys_dir = os.path.join(work, "keys")
        for command in readme_commands(os.path.join(source, "README.md")):
            if command.startswith("tracenet node "):
                continue  # the nodes already run
            text = command.replace("/etc/tracenet/keys", keys_dir)
            text = re.sub(r"\[([^\]]*)\]", r"\1", text)  # optional parts: given
            text = text.replace("HEX,HEX", authorities).replace("--threshold 2", "--threshold " + threshold)
            text = text.replace("--public-key HEX", "--public-key " + sign_key)
            text = text.replace("CASE_ID", case_id).replace("HIT_ID", "0" * 32)
            args = shlex.split(text)[1:]
            for i in range(1, len(args)):
                if args[i - 1] == "--config":
                    args[i] = {"hub.toml": fed.config("HUB-LYON"), "peer.toml": fed.config("USA-ATF")}.get(
                        os.path.basename(args[i]), fed.config("MEX-FGR"))
            if "--from N --to M" in text:
                args = [a for a in args if a not in ("--from", "--to", "N", "M")]
            result = fed.run(args, cwd=work)
            ran += 1
            said = (result.stdout + result.stderr).strip().replace("\n", " | ")[:300]
            expect_refusal = any(re.search(p, " ".join(args)) for p in REFUSED_BY_NODE)
            cli_error = any(e in result.stderr for e in CLI_ERRORS)
            if args[0] == "verify-proof" and "Proven" not in result.stdout:
                failures.append(f"{command}\n    proved nothing: {said}")
            elif cli_error or (result.returncode != 0 and not expect_refusal):
                failures.append(f"{command}\n    exit {result.returncode}: {said}")
            else:
                print(f"ok   {command[:100]}{' (refused by the node, as expected)' if result.returncode else ''}")
    finally:
        fed.stop()
        if not failures:
            shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL", f)
    print(f"{ran} README commands run, {len(failures)} failures")
    return 1 if failures or ran < 20 else 0


if __name__ == "__main__":
    sys.exit(main())
