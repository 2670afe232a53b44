#!/usr/bin/python3
"""Generate N signed retirement notifications for bench/signed.lua (stdlib only).

One request per line, tab-separated, no header:

    webhook-id <TAB> webhook-timestamp <TAB> webhook-signature <TAB> body <LF>

Every line has a new webhook-id (msg_ + 32 lower-case hex, as the plugin sends), a new lms_user_id, username and
email, and the same current timestamp. The body is compact JSON valid against
contracts/user-retired.schema.json (type user.retire_lms_misc); it never contains a tab or a newline.
Signing follows contracts/README.md "Signing (scheme v1)".

The timestamp is the generation time: the bridge accepts it for 300 s, so generate right before a run.

    /usr/bin/python3 bench/make_requests.py --secret whsec_... --count 150000 --out /tmp/reqs.tsv
"""

import argparse
import base64
import hashlib
import hmac
import os
import sys
import time

# Values are ASCII letters, digits and punctuation without quotes or backslashes, so plain string formatting
# gives valid JSON; keys sorted and compact, as the plugin sends them.
BODY = (
    '{{"data":{{"email":"Bench.Learner{n}@example.edu","identity_source":"user_retirement_status",'
    '"lms_user_id":{uid},"retired_email":"retired__user_{tag}@retired.invalid",'
    '"retired_username":"retired__user_{tag}","site":"{site}","username":"bench-learner-{n}"}},'
    '"timestamp":"{event_time}","type":"user.retire_lms_misc"}}'
)


def parse_secret(secret: str) -> bytes:
    if not secret.startswith("whsec_"):
        sys.exit("make_requests.py: --secret must start with whsec_")
    try:
        key = base64.b64decode(secret[len("whsec_"):], validate=True)
    except ValueError:
        sys.exit("make_requests.py: --secret is not whsec_ + padded standard base64")
    if len(key) < 24:
        sys.exit("make_requests.py: --secret must decode to at least 24 bytes")
    return key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secret", required=True, help="whsec_... (the bridge's Webhook__Secrets__0)")
    parser.add_argument("--count", type=int, required=True, help="number of requests (lines)")
    parser.add_argument("--out", required=True, help="output file ('-' for stdout)")
    parser.add_argument("--site", default="bench.example.edu", help="data.site (lower-case)")
    parser.add_argument("--timestamp", type=int, default=None, help="webhook-timestamp (default: now)")
    parser.add_argument("--first-user-id", type=int, default=None,
                        help="lms_user_id of the first line (default: random, so separate files do not collide)")
    args = parser.parse_args()
    if args.count < 1:
        sys.exit("make_requests.py: --count must be >= 1")

    key = parse_secret(args.secret)
    timestamp = str(args.timestamp if args.timestamp is not None else int(time.time()))
    event_time = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(timestamp)))
    # A random 8-hex-digit run prefix keeps webhook-ids (and users) of separate files apart.
    run = os.urandom(4).hex()
    first_uid = args.first_user_id if args.first_user_id is not None else 1 + int(run, 16) % 1_000_000_000 * 1000

    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="ascii", newline="\n")
    hmac_new, sha256, b64 = hmac.new, hashlib.sha256, base64.b64encode
    prefix = timestamp.encode()
    lines = []
    try:
        for i in range(args.count):
            webhook_id = f"msg_{run}{i:024x}"
            tag = f"{run}{i:024x}"
            body = BODY.format(n=f"{run}-{i}", uid=first_uid + i, tag=tag, site=args.site, event_time=event_time)
            signed = webhook_id.encode() + b"." + prefix + b"." + body.encode()
            signature = "v1," + b64(hmac_new(key, signed, sha256).digest()).decode()
            lines.append(f"{webhook_id}\t{timestamp}\t{signature}\t{body}\n")
            if len(lines) >= 10_000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
