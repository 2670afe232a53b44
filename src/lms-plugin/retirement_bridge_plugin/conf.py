"""Reading and validating the RETIREMENT_BRIDGE_* Django settings.

Settings are read on every use (not cached), so a changed setting takes effect without a restart and
tests can override them. Every problem raises ImproperlyConfigured naming the setting; the secret's value
is never part of any message.
"""
import base64
import binascii
import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "RETIREMENT_BRIDGE_"
WEBHOOK_PATH = "/v1/webhooks/user-retired"
MIN_SECRET_BYTES = 24
MAX_TIMEOUT_SECONDS = 60
MAX_RETRIES = 10

#: Defaults (also installed by settings/common.py). URL and SECRET have none on purpose.
DEFAULTS = {
    "RETIREMENT_BRIDGE_URL": None,
    "RETIREMENT_BRIDGE_SECRET": None,
    "RETIREMENT_BRIDGE_TIMEOUT": 5,
    "RETIREMENT_BRIDGE_RETRIES": 2,
    "RETIREMENT_BRIDGE_FAIL_CLOSED": True,
    "RETIREMENT_BRIDGE_SITE": None,
    "RETIREMENT_BRIDGE_ALLOW_HTTP": False,
}
SETTING_NAMES = tuple(DEFAULTS)


@dataclass(frozen=True)
class BridgeConfig:
    """Validated configuration. ``repr`` never shows the key."""

    base_url: str
    endpoint: str
    key: bytes = field(repr=False)
    timeout: float
    retries: int
    fail_closed: bool
    site: str


def _get(settings, name):
    return getattr(settings, name, DEFAULTS[name])


def _is_loopback(host):
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def decode_secret(secret):
    """Key bytes of a ``whsec_<base64>`` secret; raises ValueError (without the secret) when malformed."""
    if not isinstance(secret, str) or not secret:
        raise ValueError("is not set")
    if not secret.startswith("whsec_"):
        raise ValueError("must start with 'whsec_' followed by the base64 key")
    try:
        key = base64.b64decode(secret[len("whsec_"):], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not valid base64 after 'whsec_'") from None
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError("decodes to {} bytes; at least {} are required".format(len(key), MIN_SECRET_BYTES))
    return key


def _check_url(value, allow_http, errors):
    name = PREFIX + "URL"
    if value is None or value == "":
        errors.append("{} is not set (the bridge's base URL, e.g. https://bridge.example.edu)".format(name))
        return None
    if not isinstance(value, str):
        errors.append("{} must be a string URL".format(name))
        return None
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        errors.append("{} is not a valid URL".format(name))
        return None
    if parts.scheme not in ("https", "http") or not host:
        errors.append("{} must be an absolute https:// URL".format(name))
        return None
    if parts.username is not None or parts.password is not None:
        errors.append("{} must not contain credentials".format(name))
        return None
    if parts.query or parts.fragment:
        errors.append("{} must not have a query string or fragment".format(name))
        return None
    if parts.scheme == "http" and not allow_http and not _is_loopback(host):
        errors.append(
            "{} uses plain http to a non-loopback host; learners' emails would travel unencrypted "
            "(use https, or set {}ALLOW_HTTP = True for a private network)".format(name, PREFIX)
        )
        return None
    return value.strip().rstrip("/")


def _check_bool(settings, suffix, errors):
    name = PREFIX + suffix
    value = _get(settings, name)
    if not isinstance(value, bool):
        errors.append("{} must be True or False (a boolean, not {})".format(name, type(value).__name__))
        return DEFAULTS[name]
    return value


def _site_from(value):
    value = value.strip()
    if "://" in value:
        parts = urlsplit(value)
        value = parts.netloc.rpartition("@")[2]
    return value.strip().rstrip("/").lower()


def _check_site(settings, errors):
    name = PREFIX + "SITE"
    value = _get(settings, name)
    if value is None or value == "":
        for fallback in ("LMS_BASE", "LMS_ROOT_URL"):
            candidate = getattr(settings, fallback, None)
            if isinstance(candidate, str) and candidate.strip():
                site = _site_from(candidate)
                if site and len(site) <= 255:
                    return site
        errors.append("{} is not set and cannot be derived from LMS_BASE or LMS_ROOT_URL".format(name))
        return None
    if not isinstance(value, str) or value != value.strip() or any(c.isspace() for c in value):
        errors.append("{} must be a host name string without whitespace, e.g. courses.example.edu".format(name))
        return None
    if len(value) > 255:
        errors.append("{} must be at most 255 characters".format(name))
        return None
    return value.lower()


def load_config(settings=None):
    """Validate every RETIREMENT_BRIDGE_* setting and return a BridgeConfig.

    Raises ImproperlyConfigured listing every invalid setting by name.
    """
    settings = settings if settings is not None else django_settings
    errors = []

    allow_http = _check_bool(settings, "ALLOW_HTTP", errors)
    fail_closed = _check_bool(settings, "FAIL_CLOSED", errors)
    base_url = _check_url(_get(settings, PREFIX + "URL"), allow_http, errors)

    key = None
    try:
        key = decode_secret(_get(settings, PREFIX + "SECRET"))
    except ValueError as exc:
        errors.append("{}SECRET {}".format(PREFIX, exc))

    timeout = _get(settings, PREFIX + "TIMEOUT")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT_SECONDS:
        errors.append("{}TIMEOUT must be a number of seconds > 0 and <= {}".format(PREFIX, MAX_TIMEOUT_SECONDS))

    retries = _get(settings, PREFIX + "RETRIES")
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= MAX_RETRIES:
        errors.append("{}RETRIES must be an integer from 0 to {}".format(PREFIX, MAX_RETRIES))

    site = _check_site(settings, errors)

    if errors:
        raise ImproperlyConfigured("RetirementBridge settings invalid: " + "; ".join(errors))
    return BridgeConfig(
        base_url=base_url,
        endpoint=base_url + WEBHOOK_PATH,
        key=key,
        timeout=float(timeout),
        retries=retries,
        fail_closed=fail_closed,
        site=site,
    )
