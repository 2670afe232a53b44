#!/usr/bin/env python3
"""Generate contracts/signature-vectors.json (Standard Webhooks, HMAC-SHA256, scheme "v1").

Deterministic and stdlib-only: every secret, id, timestamp and body below is a literal, so running
this script twice yields byte-identical output.  The committed JSON is this script's output; the Python
tests re-run it with --check and fail when the two differ.

    python3 contracts/tools/make_signature_vectors.py           # rewrite contracts/signature-vectors.json
    python3 contracts/tools/make_signature_vectors.py --check   # exit 1 if the committed file is stale

The script also carries a small reference verifier (``verify``) that implements the verification order
described in contracts/README.md.  Every "verification" vector's ``expected`` is written down by hand
below and then cross-checked against that verifier, so a vector cannot silently contradict the rules.
"""
import base64
import hashlib
import hmac
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "signature-vectors.json"
TOLERANCE_SECONDS = 300


def _key(secret):
    if not secret.startswith("whsec_"):
        raise ValueError("secret must start with whsec_")
    return base64.b64decode(secret[len("whsec_"):], validate=True)


def sign(secret, msg_id, timestamp, body):
    """Return the webhook-signature header value for one secret: 'v1,<base64 HMAC-SHA256>'."""
    content = "{}.{}.".format(msg_id, timestamp).encode("utf-8") + body.encode("utf-8")
    mac = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


_TIMESTAMP = re.compile(r"^[0-9]{1,15}$")
_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def verify(secrets, msg_id, timestamp, now, body, signature_header):
    """Reference verifier: returns one of the 'expected' outcomes (order as in contracts/README.md).

    ``body`` is the exact bytes received, or a str whose UTF-8 encoding they are. The plugin tests' fake bridge
    verifies with this function too, so the contract has one reference verifier.
    """
    if not msg_id or not timestamp or not signature_header:
        return "missing_headers"
    if not _TIMESTAMP.match(timestamp):
        return "malformed_timestamp"
    ts = int(timestamp)
    if now - ts > TOLERANCE_SECONDS:
        return "timestamp_too_old"
    if ts - now > TOLERANCE_SECONDS:
        return "timestamp_in_future"
    candidates = []
    for token in signature_header.split(" "):
        version, sep, value = token.partition(",")
        if version != "v1" or not sep or not value or len(value) % 4 or not _B64.match(value):
            continue
        raw = base64.b64decode(value, validate=True)
        if len(raw) == 32:
            candidates.append(raw)
    if not candidates:
        return "malformed_signature"
    body = body if isinstance(body, bytes) else body.encode("utf-8")
    content = "{}.{}.".format(msg_id, timestamp).encode("utf-8") + body
    for secret in secrets:
        expected = hmac.new(_key(secret), content, hashlib.sha256).digest()
        if any(hmac.compare_digest(expected, c) for c in candidates):
            return "valid"
    return "no_matching_signature"


def _secret(label):
    """A deterministic 32-byte secret derived from a label (test material only, never use in production)."""
    return "whsec_" + base64.b64encode(hashlib.sha256(("retirement-bridge vectors " + label).encode()).digest()).decode()


def _body(data, event_type="user.retire_lms_misc", timestamp="2026-11-23T03:48:00Z"):
    envelope = {"type": event_type, "timestamp": timestamp, "data": data}
    # Same serialisation as the plugin: compact, keys sorted, non-ASCII left as UTF-8.
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


SECRET_A = _secret("A")
SECRET_B = _secret("B")
SECRET_WRONG = _secret("wrong")
# The worked example published with the Standard Webhooks specification (24-byte key).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TS = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

ID_1 = "msg_3f2a9c0d51e84b7a9e1c6d2f0a4b8c7e"
TS_1 = 1795405680  # 2026-11-23T03:48:00Z
BODY_ASCII = _body({
    "lms_user_id": 12345, "username": "original-username", "email": "Original.Email@example.edu",
    "retired_username": "retired__user_0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "retired_email": "retired__user_0f1e2d3c4b5a69788796a5b4c3d2e1f0@retired.invalid",
    "site": "courses.example.edu", "identity_source": "user_retirement_status",
})
BODY_UTF8 = _body({
    "lms_user_id": 67890, "username": "zoë_ñandú", "email": "José.Müller@exämple.edu",
    "retired_username": None, "retired_email": None,
    "site": "cursos.example.edu", "identity_source": "user",
})
BODY_CHECK = _body({"site": "courses.example.edu"}, event_type="retirement_bridge.check")
BODY_TAMPERED = BODY_ASCII.replace('"lms_user_id":12345', '"lms_user_id":12346')
assert BODY_TAMPERED != BODY_ASCII

SIG_A = sign(SECRET_A, ID_1, TS_1, BODY_ASCII)
SIG_B = sign(SECRET_B, ID_1, TS_1, BODY_ASCII)
SIG_A_16_BYTES = "v1," + base64.b64encode(base64.b64decode(SIG_A[3:])[:16]).decode()


def signing_vectors():
    cases = [
        ("spec-example", SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY),
        ("ascii-retirement", SECRET_A, ID_1, TS_1, BODY_ASCII),
        ("utf8-retirement-fallback-identity", SECRET_A, "msg_9d41c7e2b0a34f6c8e5d1a2b3c4d5e6f", TS_1 + 7, BODY_UTF8),
        ("check-event", SECRET_B, "msg_0c1d2e3f405162738495a6b7c8d9eaf0", TS_1 + 60, BODY_CHECK),
        ("empty-body", SECRET_A, "msg_00000000000000000000000000000000", 0, ""),
    ]
    out = []
    for name, secret, msg_id, ts, body in cases:
        out.append({"name": name, "secret": secret, "id": msg_id, "timestamp": ts, "body": body,
                    "signature": sign(secret, msg_id, ts, body)})
    assert out[0]["signature"] == SPEC_SIGNATURE, "spec example no longer reproduces: signer is wrong"
    return out


def verification_vectors():
    t = str(TS_1)
    utf8_id = "msg_9d41c7e2b0a34f6c8e5d1a2b3c4d5e6f"
    utf8_sig = sign(SECRET_A, utf8_id, TS_1, BODY_UTF8)
    # (name, secrets, id, timestamp header, now, body, signature header, expected)
    cases = [
        ("valid-single-signature", [SECRET_A], ID_1, t, TS_1, BODY_ASCII, SIG_A, "valid"),
        ("valid-utf8-body", [SECRET_A], utf8_id, t, TS_1 + 1, BODY_UTF8, utf8_sig, "valid"),
        ("valid-second-of-several-signatures", [SECRET_A], ID_1, t, TS_1, BODY_ASCII, SIG_B + " " + SIG_A, "valid"),
        ("valid-rotation-second-secret-matches", [SECRET_WRONG, SECRET_A], ID_1, t, TS_1, BODY_ASCII, SIG_A, "valid"),
        ("valid-rotation-old-and-new-signatures", [SECRET_B], ID_1, t, TS_1, BODY_ASCII, SIG_A + " " + SIG_B, "valid"),
        ("valid-unknown-versions-ignored", [SECRET_A], ID_1, t, TS_1, BODY_ASCII,
         "v1a," + SIG_A[3:] + " v2," + SIG_B[3:] + " " + SIG_A, "valid"),
        ("valid-at-tolerance-past-edge", [SECRET_A], ID_1, t, TS_1 + 300, BODY_ASCII, SIG_A, "valid"),
        ("valid-at-tolerance-future-edge", [SECRET_A], ID_1, t, TS_1 - 300, BODY_ASCII, SIG_A, "valid"),
        ("valid-check-event", [SECRET_B], "msg_0c1d2e3f405162738495a6b7c8d9eaf0", str(TS_1 + 60), TS_1 + 61,
         BODY_CHECK, sign(SECRET_B, "msg_0c1d2e3f405162738495a6b7c8d9eaf0", TS_1 + 60, BODY_CHECK), "valid"),
        ("spec-example", [SPEC_SECRET], SPEC_ID, str(SPEC_TS), SPEC_TS, SPEC_BODY, SPEC_SIGNATURE, "valid"),
        ("missing-id", [SECRET_A], "", t, TS_1, BODY_ASCII, SIG_A, "missing_headers"),
        ("missing-timestamp", [SECRET_A], ID_1, "", TS_1, BODY_ASCII, SIG_A, "missing_headers"),
        ("missing-signature", [SECRET_A], ID_1, t, TS_1, BODY_ASCII, "", "missing_headers"),
        ("malformed-timestamp-letters", [SECRET_A], ID_1, "17954o5680", TS_1, BODY_ASCII, SIG_A, "malformed_timestamp"),
        ("malformed-timestamp-decimal", [SECRET_A], ID_1, t + ".0", TS_1, BODY_ASCII, SIG_A, "malformed_timestamp"),
        ("malformed-timestamp-negative", [SECRET_A], ID_1, "-" + t, TS_1, BODY_ASCII, SIG_A, "malformed_timestamp"),
        ("malformed-timestamp-iso8601", [SECRET_A], ID_1, "2026-11-23T03:48:00Z", TS_1, BODY_ASCII, SIG_A,
         "malformed_timestamp"),
        ("timestamp-too-old-by-one-second", [SECRET_A], ID_1, t, TS_1 + 301, BODY_ASCII, SIG_A, "timestamp_too_old"),
        ("timestamp-too-old-checked-before-signature", [SECRET_A], ID_1, t, TS_1 + 3600, BODY_ASCII,
         sign(SECRET_WRONG, ID_1, TS_1, BODY_ASCII), "timestamp_too_old"),
        ("timestamp-in-future-by-one-second", [SECRET_A], ID_1, t, TS_1 - 301, BODY_ASCII, SIG_A,
         "timestamp_in_future"),
        ("malformed-signature-no-version", [SECRET_A], ID_1, t, TS_1, BODY_ASCII, SIG_A[3:], "malformed_signature"),
        ("malformed-signature-not-base64", [SECRET_A], ID_1, t, TS_1, BODY_ASCII, "v1,not*base64!", "malformed_signature"),
        ("malformed-signature-16-bytes", [SECRET_A], ID_1, t, TS_1, BODY_ASCII, SIG_A_16_BYTES, "malformed_signature"),
        ("malformed-signature-only-unknown-versions", [SECRET_A], ID_1, t, TS_1, BODY_ASCII,
         "v1a," + SIG_A[3:] + " v2," + SIG_A[3:], "malformed_signature"),
        ("malformed-signature-empty-value", [SECRET_A], ID_1, t, TS_1, BODY_ASCII, "v1,", "malformed_signature"),
        ("no-match-wrong-key", [SECRET_WRONG], ID_1, t, TS_1, BODY_ASCII, SIG_A, "no_matching_signature"),
        ("no-match-body-tampered", [SECRET_A], ID_1, t, TS_1, BODY_TAMPERED, SIG_A, "no_matching_signature"),
        ("no-match-id-changed", [SECRET_A], "msg_3f2a9c0d51e84b7a9e1c6d2f0a4b8c7f", t, TS_1, BODY_ASCII, SIG_A,
         "no_matching_signature"),
        ("no-match-timestamp-changed", [SECRET_A], ID_1, str(TS_1 + 1), TS_1, BODY_ASCII, SIG_A,
         "no_matching_signature"),
        ("no-match-timestamp-leading-zero", [SECRET_A], ID_1, "0" + t, TS_1, BODY_ASCII, SIG_A,
         "no_matching_signature"),
        ("no-match-utf8-body-reencoded-ascii-escapes", [SECRET_A], utf8_id, t, TS_1, BODY_UTF8.encode("ascii",
         "backslashreplace").decode("ascii").replace("\\x", "\\u00"), utf8_sig, "no_matching_signature"),
        ("no-match-signature-of-other-key-among-several", [SECRET_A], ID_1, t, TS_1, BODY_ASCII,
         SIG_B + " " + sign(SECRET_WRONG, ID_1, TS_1, BODY_ASCII), "no_matching_signature"),
    ]
    out = []
    for name, secrets, msg_id, ts, now, body, header, expected in cases:
        got = verify(secrets, msg_id, ts, now, body, header)
        assert got == expected, "vector {}: reference verifier says {}, vector says {}".format(name, got, expected)
        out.append({"name": name, "secrets": secrets, "id": msg_id, "timestamp": ts, "now": now, "body": body,
                    "signature_header": header, "expected": expected})
    names = [v["name"] for v in out]
    assert len(names) == len(set(names)), "duplicate vector names"
    return out


def render():
    doc = {
        "description": "Standard Webhooks signature vectors for RetirementBridge. Generated by "
                       "contracts/tools/make_signature_vectors.py; do not edit by hand. See contracts/README.md.",
        "tolerance_seconds": TOLERANCE_SECONDS,
        "signing": signing_vectors(),
        "verification": verification_vectors(),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def main(argv):
    text = render()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print("{} is stale: run {}".format(OUT, Path(__file__).name), file=sys.stderr)
            return 1
        print("{} is up to date".format(OUT.name))
        return 0
    OUT.write_text(text, encoding="utf-8")
    print("wrote {}".format(OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
