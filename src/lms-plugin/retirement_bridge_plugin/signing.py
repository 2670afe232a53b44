"""Standard Webhooks signing (scheme v1: HMAC-SHA256 over "{id}.{timestamp}.{body}")."""
import base64
import hashlib
import hmac

from .conf import decode_secret


def sign(key, msg_id, timestamp, body):
    """Return the ``webhook-signature`` header value ``v1,<base64>`` for raw key bytes and raw body bytes."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    content = "{}.{}.".format(msg_id, int(timestamp)).encode("utf-8") + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign_with_secret(secret, msg_id, timestamp, body):
    """Same as :func:`sign` for a ``whsec_...`` secret string."""
    return sign(decode_secret(secret), msg_id, timestamp, body)
