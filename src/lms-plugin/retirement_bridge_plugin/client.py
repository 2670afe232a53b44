"""A small stdlib HTTP client that delivers signed notifications to RetirementBridge.

Only urllib, hmac, hashlib and base64 are used. Each attempt gets a fresh webhook-timestamp and signature;
the body bytes and the webhook-id stay the same across attempts. Connection errors, timeouts, 408, 429 and
5xx are retried with a short exponential backoff; any other answer that is not the expected status ends the
delivery at once. Messages of the exceptions raised here never contain the request body.
"""
import http.client
import json
import logging
import re
import socket
import ssl
import time
import urllib.error
import urllib.request

from . import __version__
from .signing import sign

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 5.0
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "openedx-retirement-bridge/{}".format(__version__)

# Indirections so tests can control time without sleeping.
_sleep = time.sleep
_clock = time.time


class BridgeError(Exception):
    """Delivery did not get the expected answer. ``str()`` is safe to log (no body, no secret)."""

    def __init__(self, message, status=None, problem=None, attempts=1):
        super().__init__(message)
        self.status = status
        self.problem = problem or {}
        self.attempts = attempts


class BridgeUnreachable(BridgeError):
    """No HTTP answer at all: connection refused, DNS failure, timeout, TLS failure, connection reset."""


class BridgeRejected(BridgeError):
    """The bridge answered with a 4xx that is not worth retrying (400, 401, 413, 415, ...)."""


class BridgeUnexpectedStatus(BridgeError):
    """Any other status: 5xx/408/429 after the retries ran out, or a 2xx/3xx that is not the expected one."""


class BridgeResponse:
    def __init__(self, status, body, attempts):
        self.status = status
        self.body = body
        self.attempts = attempts


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never follow redirects: a redirect must not carry a learner's identity to another URL."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # pylint: disable=too-many-arguments
        return None


_opener = urllib.request.build_opener(_NoRedirect())

_EMAILISH = re.compile(r"[^\s@\"']+@[^\s@\"']+")


def redact(text, values=(), limit=300):
    """Remove ``values`` (case-insensitively) and anything that looks like an email from ``text``."""
    text = str(text)
    for value in values:
        if isinstance(value, str) and value:
            text = re.sub(re.escape(value), "[redacted]", text, flags=re.IGNORECASE)
    text = _EMAILISH.sub("[redacted-email]", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _parse_json(raw):
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return value


def _describe_transport_error(exc):
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host name not resolved"
    if isinstance(reason, ssl.SSLError):
        return "TLS error ({})".format(type(reason).__name__)
    if isinstance(reason, ConnectionResetError):
        return "connection reset"
    return type(reason).__name__ if not isinstance(reason, str) else "network error"


def _post_once(url, body, headers, timeout):
    """Return (status, headers, body bytes); raise OSError/HTTPException for transport failures."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:  # any non-2xx answer: still an answer
        try:
            raw = exc.read(MAX_RESPONSE_BYTES)
        except (OSError, http.client.HTTPException):
            raw = b""
        finally:
            exc.close()
        return exc.code, exc.headers, raw


def _retry_after_seconds(headers):
    value = headers.get("Retry-After") if headers is not None else None
    if value and value.strip().isdigit():
        return min(float(value.strip()), BACKOFF_MAX_SECONDS)
    return 0.0


def _backoff(attempt, headers):
    delay = min(BACKOFF_BASE_SECONDS * (2 ** (attempt - 1)), BACKOFF_MAX_SECONDS)
    return max(delay, _retry_after_seconds(headers))


def problem_summary(problem, redact_values=()):
    """'title: detail' (or whichever exists) of an RFC 9457 problem, redacted."""
    if not isinstance(problem, dict):
        return ""
    parts = [str(problem[k]) for k in ("title", "detail") if problem.get(k)]
    return redact(": ".join(parts), redact_values) if parts else ""


def deliver(config, body, webhook_id, expected_status, retries=None, redact_values=()):
    """POST ``body`` (the exact bytes to sign and send) to the bridge until it answers ``expected_status``.

    Returns a BridgeResponse; raises BridgeUnreachable / BridgeRejected / BridgeUnexpectedStatus.
    ``redact_values`` are removed from any bridge-provided text that ends up in an exception message.
    """
    attempts = 1 + (config.retries if retries is None else retries)
    last_error = None
    for attempt in range(1, attempts + 1):
        timestamp = int(_clock())
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json, application/problem+json",
            "User-Agent": USER_AGENT,
            "webhook-id": webhook_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(config.key, webhook_id, timestamp, body),
        }
        response_headers = None
        try:
            status, response_headers, raw = _post_once(config.endpoint, body, headers, config.timeout)
        except (OSError, http.client.HTTPException) as exc:
            last_error = BridgeUnreachable(
                "cannot connect to {}: {}".format(config.endpoint, _describe_transport_error(exc)),
                attempts=attempt,
            )
        else:
            parsed = _parse_json(raw)
            if status == expected_status:
                return BridgeResponse(status, parsed, attempt)
            summary = problem_summary(parsed, redact_values)
            detail = " ({})".format(summary) if summary else ""
            if status in RETRYABLE_STATUSES:
                last_error = BridgeUnexpectedStatus(
                    "unexpected status {} from {}{}".format(status, config.endpoint, detail),
                    status=status, problem=parsed, attempts=attempt,
                )
            elif 400 <= status < 500:
                raise BridgeRejected(
                    "bridge rejected the request with status {}{}".format(status, detail),
                    status=status, problem=parsed, attempts=attempt,
                )
            else:
                raise BridgeUnexpectedStatus(
                    "unexpected status {} from {} (expected {}){}".format(status, config.endpoint, expected_status,
                                                                          detail),
                    status=status, problem=parsed, attempts=attempt,
                )
        if attempt < attempts:
            delay = _backoff(attempt, response_headers)
            log.warning(
                "RetirementBridge: attempt %d/%d for webhook_id=%s failed (%s); retrying in %.1fs",
                attempt, attempts, webhook_id, last_error, delay,
            )
            _sleep(delay)
    raise last_error
