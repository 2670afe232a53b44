"""A stdlib stand-in for RetirementBridge on 127.0.0.1 (ephemeral port), run in a thread.

It verifies Standard Webhooks signatures with the contract's reference verifier (independent of the plugin's signer),
records every request, and answers like the bridge's contract: 202 {"retirement_id", "duplicate"} for
user.retire_lms_misc, 200 {"check": "ok", "deleters": [...]} for retirement_bridge.check, 401
application/problem+json when the signature does not verify. Scripted answers (``script``) are used first,
one per request, after the signature check.
"""
import importlib.util
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEBHOOK_PATH = "/v1/webhooks/user-retired"


def _load_reference_verifier():
    """The contract's reference verifier (contracts/tools/make_signature_vectors.py), loaded by path."""
    path = Path(__file__).resolve().parents[3] / "contracts" / "tools" / "make_signature_vectors.py"
    spec = importlib.util.spec_from_file_location("contract_signature_vectors", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verify


verify = _load_reference_verifier()


class Recorded:
    def __init__(self, path, headers, body, outcome):
        self.path = path
        self.headers = headers  # lower-cased names
        self.body = body
        self.outcome = outcome

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))


class FakeBridge:
    def __init__(self, secret, script=None, deleters=("mailchimp", "zendesk"), clock=None):
        import time

        self.secrets = [secret]
        self.script = list(script or [])
        self.deleters = list(deleters)
        self.clock = clock or time.time
        self.requests = []
        self.seen_ids = {}
        self._lock = threading.Lock()
        bridge = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                outcome = verify(bridge.secrets, headers.get("webhook-id", ""), headers.get("webhook-timestamp", ""),
                                 int(bridge.clock()), body, headers.get("webhook-signature", ""))
                with bridge._lock:
                    bridge.requests.append(Recorded(self.path, headers, body, outcome))
                    status, payload, extra = bridge._answer(self.path, headers, body, outcome)
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                ctype = "application/problem+json" if status >= 400 else "application/json"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:{}".format(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def _answer(self, path, headers, body, outcome):
        if path != WEBHOOK_PATH:
            return 404, {"title": "Not Found", "status": 404}, None
        if outcome != "valid":
            detail = outcome.replace("_", " ")
            return 401, {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": detail}, None
        if self.script:
            item = self.script.pop(0)
            status, payload = item[0], item[1]
            extra = item[2] if len(item) > 2 else None
            return status, payload, extra
        event = json.loads(body.decode("utf-8"))
        if event["type"] == "retirement_bridge.check":
            return 200, {"check": "ok", "deleters": self.deleters}, None
        msg_id = headers["webhook-id"]
        duplicate = msg_id in self.seen_ids
        self.seen_ids.setdefault(msg_id, "ret_{:04d}".format(len(self.seen_ids) + 1))
        return 202, {"retirement_id": self.seen_ids[msg_id], "duplicate": duplicate}, None

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def unused_port():
    """A loopback port with nothing listening (bound then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
