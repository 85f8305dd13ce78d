#!/usr/bin/env python3
"""Checks a live tracenet node against node/api/openapi.yaml.

Calls every operation the document describes (and some refusals), and for each answer checks
that its status is one the document lists for that operation and that its body matches the
schema given for that status. Fails when an operation of the document was never called, so the
document and this check grow together.

usage: openapi_contract.py SPEC --port P --token T --peer MEMBER --held-case CASE_ID
"""
import argparse
import base64
import json
import re
import sys
import urllib.error
import urllib.request

import jsonschema
import yaml


def resolve(node, spec):
    """The schema with every local $ref replaced by what it names."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return resolve(target, spec)
        return {k: resolve(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, spec) for v in node]
    return node


class Contract:
    def __init__(self, spec, port, token):
        self.spec = spec
        self.base = f"http://127.0.0.1:{port}"
        self.token = token
        self.called = set()
        self.failures = []
        self.templates = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", p) + "$"), p) for p in spec["paths"]]

    def operation(self, method, path):
        for pattern, template in self.templates:
            if pattern.match(path) and method.lower() in self.spec["paths"][template]:
                return template, resolve(self.spec["paths"][template][method.lower()], self.spec)
        return None, None

    def call(self, method, path, body=None, expect=None, token=True):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, ctype, raw = r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            status, ctype, raw = e.code, e.headers.get("Content-Type", ""), e.read()
        text = raw.decode(errors="replace")
        where = f"{method} {path} -> {status}"
        template, op = self.operation(method, path.split("?")[0])
        if op is None:
            self.failures.append(f"{where}: not in the document")
            return status, None
        self.called.add((method.lower(), template))
        if expect is not None and status != expect:
            self.failures.append(f"{where}: expected {expect}: {text[:300]}")
        documented = op.get("responses", {})
        if str(status) not in documented:
            self.failures.append(f"{where}: status not documented (documented: {', '.join(documented)})")
            return status, None
        content = documented[str(status)].get("content", {})
        parsed = None
        if "application/json" in content:
            if not ctype.startswith("application/json"):
                self.failures.append(f"{where}: content type {ctype}, documented application/json")
                return status, None
            parsed = json.loads(text)
            schema = content["application/json"].get("schema")
            if schema is not None:
                try:
                    jsonschema.validate(parsed, schema, cls=jsonschema.Draft202012Validator)
                except jsonschema.ValidationError as e:
                    self.failures.append(f"{where}: body does not match the document: {e.message} at {list(e.absolute_path)}")
        elif "text/plain" in content and not ctype.startswith("text/plain"):
            self.failures.append(f"{where}: content type {ctype}, documented text/plain")
        elif content and not any(ctype.startswith(t) for t in content):
            self.failures.append(f"{where}: content type {ctype}, documented {', '.join(content)}")
        elif content:
            parsed = raw
        return status, parsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--held-case", required=True)
    a = ap.parse_args()
    with open(a.spec) as f:
        spec = yaml.safe_load(f)
    jsonschema.Draft202012Validator.check_schema({"$defs": resolve(spec["components"]["schemas"], spec)})
    c = Contract(spec, a.port, a.token)
    unknown = "0" * 32

    c.call("GET", "/healthz", expect=200, token=False)
    c.call("GET", "/readyz", expect=200, token=False)
    c.call("GET", "/metrics", expect=200)
    c.call("GET", "/metrics", expect=401, token=False)
    c.call("GET", "/v1/status", expect=200)
    _, me = c.call("GET", "/v1/me", expect=200)
    if me and (me.get("role") != "admin" or not me["can"].get("administer")):
        c.failures.append(f"/v1/me for the operator: {me}")
    c.call("GET", "/v1/me", expect=401, token=False)

    trace = {"recipient": a.peer, "priority": "urgent", "urgency_justification": "armed robbery suspect in custody",
             "grounds": "national_law",
             "weapon": {"serial": "CT-1", "manufacturer": "Glock", "type": "pistol", "calibre": "9x19mm"}}
    _, filed = c.call("POST", "/v1/traces", trace, expect=201)
    c.call("POST", "/v1/traces", {"recipient": a.peer}, expect=400)
    c.call("POST", "/v1/traces/batch", {"traces": [trace, trace]}, expect=201)
    c.call("POST", "/v1/traces/batch", {"traces": [trace] * 1001}, expect=413)
    c.call("GET", "/v1/traces?limit=5", expect=200)
    _, summary = c.call("GET", "/v1/traces/summary", expect=200)
    _, listed = c.call("GET", "/v1/traces?limit=100000", expect=200)
    if summary and listed and (summary["total"] != len(listed["cases"]) or sum(summary["by_state"].values()) != summary["total"]):
        c.failures.append(f"the summary does not count the cases listed: {summary} vs {len(listed['cases'])} cases")
    _, incoming = c.call("GET", "/v1/traces?direction=incoming&state=awaiting_review", expect=200)
    if incoming and any(x["direction"] != "incoming" or x["state"] != "awaiting_review" for x in incoming["cases"]):
        c.failures.append("GET /v1/traces?direction=incoming&state=awaiting_review: the filter let other cases through")
    c.call("GET", "/v1/traces?direction=sideways", expect=400)
    c.call("GET", "/v1/traces?state=lost_in_post", expect=400)

    # Photos: a real PNG goes in and comes back byte for byte; a wrong type, a disguised file, a
    # photo over 512 KiB, too many photos and a body over 8 MiB are refused with their reasons.
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    photo = {"media_type": "image/png", "caption": "left side markings", "data_base64": base64.b64encode(png).decode()}
    _, with_photo = c.call("POST", "/v1/traces", dict(trace, photos=[photo]), expect=201)
    if with_photo and "case_id" in with_photo:
        photo_path = f"/v1/traces/{with_photo['case_id']}/photos"
        _, shown = c.call("GET", "/v1/traces/" + with_photo["case_id"], expect=200)
        if shown and shown.get("request", {}).get("photos") != [{"index": 0, "media_type": "image/png", "caption": "left side markings", "bytes": len(png)}]:
            c.failures.append(f"the case does not list its photo: {shown.get('request')}")
        _, image = c.call("GET", photo_path + "/0", expect=200)
        if image != png:
            c.failures.append("the photo did not come back byte for byte")
        c.call("GET", photo_path + "/1", expect=404)
    c.call("POST", "/v1/traces", dict(trace, photos=[dict(photo, media_type="image/gif")]), expect=400)
    c.call("POST", "/v1/traces", dict(trace, photos=[dict(photo, media_type="image/jpeg")]), expect=400)
    c.call("POST", "/v1/traces", dict(trace, photos=[dict(photo, data_base64="not base64!")]), expect=400)
    big = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(600 * 1024)).decode()
    c.call("POST", "/v1/traces", dict(trace, photos=[dict(photo, data_base64=big)]), expect=413)
    c.call("POST", "/v1/traces", dict(trace, photos=[photo] * 7), expect=413)
    # Each photo within its limit, together over the node's message size (1 MiB by default).
    full = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(500 * 1024)).decode()
    _, refused = c.call("POST", "/v1/traces", dict(trace, photos=[dict(photo, data_base64=full)] * 3), expect=413)
    if refused and "fewer or smaller" not in refused["error"]["message"]:
        c.failures.append(f"an oversized request with photos does not say what to do: {refused}")
    c.call("POST", "/v1/traces", dict(trace, special_instructions="x" * (9 << 20)), expect=413)
    c.call("GET", "/v1/traces", expect=401, token=False)
    if filed and "case_id" in filed:
        c.call("GET", "/v1/traces/" + filed["case_id"], expect=200)
        c.call("POST", f"/v1/traces/{filed['case_id']}/clarification/answer", {"answer": "unasked"}, expect=409)
        c.call("POST", f"/v1/traces/{filed['case_id']}/cancel", {"reason": 7}, expect=400)
        c.call("POST", f"/v1/traces/{filed['case_id']}/cancel", {"reason": "identified at home"}, expect=200)
        c.call("POST", f"/v1/traces/{filed['case_id']}/cancel", {}, expect=409)
    c.call("GET", "/v1/traces/" + unknown, expect=404)
    # This node runs on a peer list, not a signed directory: a proof has no keys to name (the
    # proof itself is checked end to end in tests/unit/proof/).
    _, no_proof = c.call("GET", f"/v1/traces/{a.held_case}/proof", expect=400)
    if no_proof and "signed directory" not in no_proof["error"]["message"]:
        c.failures.append(f"a proof on a peer-list node does not say why it cannot be made: {no_proof}")
    c.call("GET", f"/v1/traces/{a.held_case}/proof?disclose=nothex", expect=400)

    c.call("GET", "/v1/inbox", expect=200)
    review = f"/v1/traces/{a.held_case}/review"
    c.call("POST", review, {"action": "refuse"}, expect=400)
    c.call("POST", f"/v1/traces/{unknown}/review", {"action": "approve"}, expect=404)
    c.call("POST", f"/v1/traces/{a.held_case}/clarification", {}, expect=400)
    c.call("POST", f"/v1/traces/{a.held_case}/clarification", {"question": "Which importer marking?"}, expect=200)
    c.call("POST", f"/v1/traces/{a.held_case}/clarification/answer", {"answer": "not ours to give"}, expect=404)
    c.call("POST", f"/v1/traces/{a.held_case}/cancel", {}, expect=404)
    c.call("POST", review, {"action": "approve"}, expect=200)
    c.call("POST", f"/v1/traces/{a.held_case}/clarification", {"question": "too late"}, expect=409)
    c.call("POST", review, {"action": "approve"}, expect=409)

    c.call("GET", "/v1/dead-letters", expect=200)
    c.call("GET", "/v1/quarantine", expect=200)
    c.call("GET", "/v1/quarantine/999999", expect=404)
    c.call("POST", f"/v1/dead-letters/{unknown}/resend", expect=404)
    c.call("POST", "/v1/directory", {"signed_directory_hex": "zz"}, expect=400)

    _, user = c.call("POST", "/v1/users", {"name": "contract.user", "role": "auditor"}, expect=201)
    c.call("POST", "/v1/users", {"name": "contract.user", "role": "auditor"}, expect=409)
    c.call("POST", "/v1/users", {"name": "x", "role": "overlord"}, expect=400)
    c.call("POST", "/v1/users", {"name": 7, "role": "auditor"}, expect=400)
    c.call("GET", "/v1/users", expect=200)
    if user and "token" in user:
        auditor = Contract(spec, a.port, user["token"])
        auditor.call("POST", "/v1/traces", trace, expect=403)
        c.failures += auditor.failures
    c.call("POST", "/v1/users/contract.user/revoke", expect=200)
    c.call("POST", "/v1/users/nobody/revoke", expect=404)

    c.call("GET", "/v1/audit/verify", expect=200)
    c.call("GET", "/v1/audit/export", expect=200)
    c.call("GET", "/v1/audit/export?from=x", expect=400)
    c.call("GET", "/v1/audit/witnesses", expect=200)
    _, check = c.call("POST", "/v1/audit/witness-check", {"seq": 1, "hash": "0" * 64, "signature": "0" * 128}, expect=200)
    if check and check.get("consistent"):
        c.failures.append(f"a witness this node never signed was taken as consistent: {check}")
    c.call("POST", "/v1/audit/witness-check", {"seq": 1}, expect=400)

    record = {"owner_ref": "CT-K-1", "serial": "GLK482913", "category": "stolen", "make": "Glock",
              "calibre": "9x19mm", "type": "pistol", "event_date": "2026-01-05"}
    c.call("POST", "/v1/stolen/records", {"records": [record]}, expect=201)
    c.call("POST", "/v1/stolen/records", {"records": [dict(record, category="borrowed")]}, expect=400)
    c.call("GET", "/v1/stolen/records/CT-K-1", expect=200)
    c.call("GET", "/v1/stolen/records/none", expect=404)
    c.call("POST", "/v1/stolen/records/CT-K-1/status", {"status": "located"}, expect=200)
    c.call("GET", "/v1/stolen/imports/contract-import", expect=200)
    c.call("POST", "/v1/stolen/imports/contract-import/batches/0", {"records": [dict(record, owner_ref="CT-K-2")]}, expect=201)
    c.call("POST", "/v1/stolen/imports/contract-import/batches/0", {"records": [dict(record, owner_ref="CT-K-2")]}, expect=200)
    c.call("POST", "/v1/stolen/resync", expect=200)
    c.call("POST", "/v1/stolen/searches", {"serial": ""}, expect=400)
    c.call("POST", "/v1/stolen/searches", {"serial": "GLK482913"})
    c.call("GET", "/v1/stolen/searches/none", expect=404)
    c.call("GET", "/v1/stolen/searches/none?wait=later", expect=400)
    c.call("GET", "/v1/stolen/hits", expect=200)
    c.call("POST", f"/v1/stolen/hits/{'a' * 32}", {"decision": "maybe"}, expect=400)
    c.call("POST", f"/v1/stolen/hits/{'a' * 32}", {"decision": "confirm"}, expect=404)
    c.call("GET", "/v1/stolen/index", expect=404)

    for path, item in spec["paths"].items():
        for method in item:
            if (method, path) not in c.called:
                c.failures.append(f"{method.upper()} {path}: in the document but never called")
    for f in c.failures:
        print("FAIL", f)
    print(f"{len(c.called)} operations called, {len(c.failures)} failures")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
