"""Settings validation: every bad setting is named, the secret never appears."""
import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test.utils import override_settings

from helpers import SECRET, bridge_settings

SHORT_SECRET = "whsec_" + base64.b64encode(b"sixteen byte key").decode()


def _load():
    from retirement_bridge_plugin.conf import load_config

    return load_config()


def test_valid_settings():
    with bridge_settings("https://bridge.example.edu/prefix/"):
        config = _load()
    assert config.endpoint == "https://bridge.example.edu/prefix/v1/webhooks/user-retired"
    assert (config.timeout, config.retries, config.fail_closed, config.site) == (5.0, 2, True, "courses.example.edu")
    assert config.key == base64.b64decode(SECRET[6:])
    assert SECRET[6:] not in repr(config) and "key" not in repr(config)


@pytest.mark.parametrize("name, value, message", [
    ("URL", None, "RETIREMENT_BRIDGE_URL is not set"),
    ("URL", "", "RETIREMENT_BRIDGE_URL is not set"),
    ("URL", 42, "RETIREMENT_BRIDGE_URL must be a string"),
    ("URL", "bridge.example.edu", "RETIREMENT_BRIDGE_URL must be an absolute https:// URL"),
    ("URL", "ftp://bridge.example.edu", "RETIREMENT_BRIDGE_URL must be an absolute https:// URL"),
    ("URL", "http://bridge.example.edu", "RETIREMENT_BRIDGE_URL uses plain http"),
    ("URL", "https://bridge.example.edu/?a=1", "RETIREMENT_BRIDGE_URL must not have a query"),
    ("URL", "https://user:pw@bridge.example.edu", "RETIREMENT_BRIDGE_URL must not contain credentials"),
    ("URL", "https://bridge.example.edu:99999", "RETIREMENT_BRIDGE_URL is not a valid URL"),
    ("SECRET", None, "RETIREMENT_BRIDGE_SECRET is not set"),
    ("SECRET", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "RETIREMENT_BRIDGE_SECRET must start with 'whsec_'"),
    ("SECRET", "whsec_not*base64", "RETIREMENT_BRIDGE_SECRET is not valid base64"),
    ("SECRET", SHORT_SECRET, "RETIREMENT_BRIDGE_SECRET decodes to 16 bytes; at least 24"),
    ("TIMEOUT", 0, "RETIREMENT_BRIDGE_TIMEOUT must be"),
    ("TIMEOUT", "5", "RETIREMENT_BRIDGE_TIMEOUT must be"),
    ("TIMEOUT", True, "RETIREMENT_BRIDGE_TIMEOUT must be"),
    ("TIMEOUT", 61, "RETIREMENT_BRIDGE_TIMEOUT must be"),
    ("RETRIES", -1, "RETIREMENT_BRIDGE_RETRIES must be"),
    ("RETRIES", 1.5, "RETIREMENT_BRIDGE_RETRIES must be"),
    ("RETRIES", "2", "RETIREMENT_BRIDGE_RETRIES must be"),
    ("RETRIES", 11, "RETIREMENT_BRIDGE_RETRIES must be"),
    ("FAIL_CLOSED", "false", "RETIREMENT_BRIDGE_FAIL_CLOSED must be True or False"),
    ("FAIL_CLOSED", 0, "RETIREMENT_BRIDGE_FAIL_CLOSED must be True or False"),
    ("ALLOW_HTTP", "yes", "RETIREMENT_BRIDGE_ALLOW_HTTP must be True or False"),
    ("SITE", " courses.example.edu", "RETIREMENT_BRIDGE_SITE must be a host name"),
    ("SITE", "courses example", "RETIREMENT_BRIDGE_SITE must be a host name"),
    ("SITE", "x" * 256, "RETIREMENT_BRIDGE_SITE must be at most 255"),
])
def test_each_bad_setting_is_named(name, value, message):
    with bridge_settings("https://bridge.example.edu", **{name: value}):
        with pytest.raises(ImproperlyConfigured) as info:
            _load()
    assert message in str(info.value)
    assert SECRET not in str(info.value) and SHORT_SECRET not in str(info.value)


def test_all_problems_reported_at_once():
    with bridge_settings(None, secret="nope", RETRIES="x", FAIL_CLOSED="no"):
        with pytest.raises(ImproperlyConfigured) as info:
            _load()
    for name in ("URL", "SECRET", "RETRIES", "FAIL_CLOSED"):
        assert "RETIREMENT_BRIDGE_" + name in str(info.value)
    assert "nope" not in str(info.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"])
def test_plain_http_allowed_to_loopback(url):
    with bridge_settings(url):
        assert _load().endpoint == url + "/v1/webhooks/user-retired"


def test_plain_http_allowed_when_explicitly_enabled():
    with bridge_settings("http://retirement-bridge:8080", ALLOW_HTTP=True):
        assert _load().endpoint == "http://retirement-bridge:8080/v1/webhooks/user-retired"


def test_site_defaults_to_lms_base_lowercased():
    with bridge_settings("https://b.example.edu", SITE=None), override_settings(LMS_BASE="Courses.Example.EDU"):
        assert _load().site == "courses.example.edu"


def test_site_falls_back_to_lms_root_url():
    with bridge_settings("https://b.example.edu", SITE=""), \
            override_settings(LMS_BASE=None, LMS_ROOT_URL="https://learn.example.org:8443"):
        assert _load().site == "learn.example.org:8443"


def test_site_not_derivable_is_named():
    with bridge_settings("https://b.example.edu", SITE=None), override_settings(LMS_BASE=None, LMS_ROOT_URL=None):
        with pytest.raises(ImproperlyConfigured, match="RETIREMENT_BRIDGE_SITE is not set and cannot be derived"):
            _load()


def test_explicit_site_is_lowercased():
    with bridge_settings("https://b.example.edu", SITE="Courses.Example.edu"):
        assert _load().site == "courses.example.edu"
