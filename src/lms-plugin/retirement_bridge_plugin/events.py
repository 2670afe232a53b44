"""Building notification bodies and webhook ids (see contracts/README.md)."""
import datetime
import hashlib
import json
import uuid

EVENT_USER_RETIRED = "user.retire_lms_misc"
EVENT_CHECK = "retirement_bridge.check"

IDENTITY_FROM_RETIREMENT_STATUS = "user_retirement_status"
IDENTITY_FROM_USER = "user"


def retirement_webhook_id(site, lms_user_id):
    """Deterministic webhook-id: the same learner on the same site always gets the same id.

    ``msg_`` + the first 32 hex digits of SHA-256("retirement-bridge|user.retire_lms_misc|{site}|{lms_user_id}").
    A re-run of the retirement step therefore re-sends the same id and the bridge answers ``duplicate: true``.
    """
    material = "retirement-bridge|{}|{}|{}".format(EVENT_USER_RETIRED, site, int(lms_user_id))
    return "msg_" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def check_webhook_id():
    """A fresh id for an installation check (checks are never stored, so they need no stable id)."""
    return "msg_" + uuid.uuid4().hex


def utc_timestamp(now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode_body(event_type, data, timestamp=None):
    """The exact bytes that are signed and sent: compact JSON, sorted keys, UTF-8 (non-ASCII not escaped)."""
    envelope = {"type": event_type, "timestamp": timestamp or utc_timestamp(), "data": data}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
