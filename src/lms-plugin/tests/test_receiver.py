"""The USER_RETIRE_LMS_MISC receiver, wired by the LMS-style plugin loader, against the fake bridge."""
import base64
import hashlib
import hmac
import logging
import socket
import sys
import types

import pytest
from django.core.exceptions import ImproperlyConfigured

from conftest import CONTRACTS_DIR
from fake_bridge import FakeBridge, unused_port
from helpers import (
    ORIGINAL_EMAIL, ORIGINAL_USERNAME, OTHER_SECRET, RETIRED_EMAIL, RETIRED_USERNAME, SECRET, SITE, assert_no_pii,
    bridge_settings, clock, expected_webhook_id, fire, load_json, make_user,
)
from schema_check import validate

NOW = 1795405680
pytestmark = pytest.mark.usefixtures("db", "no_sleep")


@pytest.fixture(autouse=True)
def _capture_everything(caplog):
    caplog.set_level(logging.DEBUG)


def _our_result(results):
    from retirement_bridge_plugin.receivers import on_user_retire_lms_misc

    matches = [r for f, r in results if f is on_user_retire_lms_misc]
    assert len(matches) == 1, "receiver not connected exactly once"
    return matches[0]


def test_receiver_is_connected_by_the_plugin_loader_from_signals_config():
    import plugin_loader
    from django.conf import settings
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_MISC

    assert "retirement_bridge_plugin.apps:RetirementBridgeConfig" in plugin_loader.LOADED_ENTRY_POINTS
    assert "retirement_bridge_plugin.apps.RetirementBridgeConfig" in settings.INSTALLED_APPS
    keys = [entry[0][0] for entry in USER_RETIRE_LMS_MISC.receivers]
    assert keys.count("retirement_bridge_plugin.receivers.on_user_retire_lms_misc") == 1


def test_sends_signed_notification_with_identity_from_retirement_status(monkeypatch, caplog):
    # The user row was already changed: the retirement status row is the source of truth.
    user = make_user(username="changed-username", email="changed@example.org",
                     status_username=ORIGINAL_USERNAME, status_email=ORIGINAL_EMAIL)
    with FakeBridge(SECRET, clock=lambda: NOW) as bridge, bridge_settings(bridge.url), clock(monkeypatch, NOW):
        answer = _our_result(fire(user))

    assert answer == {"retirement_id": "ret_0001", "duplicate": False}
    assert len(bridge.requests) == 1
    req = bridge.requests[0]
    assert req.path == "/v1/webhooks/user-retired"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["webhook-id"] == expected_webhook_id(SITE, 4242)
    assert req.headers["webhook-timestamp"] == str(NOW)
    # Verify the signature with our own HMAC, not the plugin's code.
    key = base64.b64decode(SECRET[len("whsec_"):])
    signed = "{}.{}.".format(req.headers["webhook-id"], NOW).encode() + req.body
    assert req.headers["webhook-signature"] == "v1," + base64.b64encode(
        hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert req.outcome == "valid"

    event = req.json
    assert event["type"] == "user.retire_lms_misc"
    assert event["timestamp"].endswith("Z")
    assert event["data"] == {
        "lms_user_id": 4242, "username": ORIGINAL_USERNAME, "email": ORIGINAL_EMAIL,
        "retired_username": RETIRED_USERNAME, "retired_email": RETIRED_EMAIL,
        "site": SITE, "identity_source": "user_retirement_status",
    }
    assert validate(event, load_json(CONTRACTS_DIR / "user-retired.schema.json")) == []
    assert "lms_user_id=4242" in caplog.text and expected_webhook_id(SITE, 4242) in caplog.text
    assert_no_pii(caplog.text)


def test_body_is_utf8_json_and_signed_byte_exact():
    user = make_user(user_id=77, username="zoë_ñandú", email="José.Müller@exämple.edu")
    with FakeBridge(SECRET) as bridge, bridge_settings(bridge.url):
        fire(user)
    req = bridge.requests[0]
    assert "José.Müller@exämple.edu".encode("utf-8") in req.body  # not \u-escaped
    assert req.outcome == "valid"


def test_webhook_id_is_stable_across_refires_and_bridge_deduplicates(monkeypatch):
    user = make_user()
    with FakeBridge(SECRET, clock=lambda: NOW) as bridge, bridge_settings(bridge.url), clock(monkeypatch, NOW):
        first = _our_result(fire(user))
        second = _our_result(fire(user))
    ids = {r.headers["webhook-id"] for r in bridge.requests}
    assert ids == {expected_webhook_id(SITE, 4242)}
    assert bridge.requests[0].headers["webhook-timestamp"] != bridge.requests[1].headers["webhook-timestamp"]
    assert bridge.requests[0].headers["webhook-signature"] != bridge.requests[1].headers["webhook-signature"]
    assert first["duplicate"] is False and second == {"retirement_id": first["retirement_id"], "duplicate": True}


def test_webhook_id_depends_on_site_and_user():
    from retirement_bridge_plugin.events import retirement_webhook_id

    assert retirement_webhook_id(SITE, 1) != retirement_webhook_id(SITE, 2)
    assert retirement_webhook_id(SITE, 1) != retirement_webhook_id("other.example.edu", 1)
    assert retirement_webhook_id(SITE, 1) == expected_webhook_id(SITE, 1)
    # The worked example in contracts/README.md.
    assert retirement_webhook_id("courses.example.edu", 4242) == "msg_bb10a5523277cbb169e83916d9cb9033"


def test_fallback_identity_from_user_row_without_lms_helpers():
    user = make_user(with_status=False)
    with FakeBridge(SECRET) as bridge, bridge_settings(bridge.url):
        fire(user)
    data = bridge.requests[0].json["data"]
    assert data["identity_source"] == "user"
    assert (data["username"], data["email"]) == (ORIGINAL_USERNAME, ORIGINAL_EMAIL)
    assert data["retired_username"] is None and data["retired_email"] is None
    assert validate(bridge.requests[0].json, load_json(CONTRACTS_DIR / "user-retired.schema.json")) == []


def test_fallback_identity_uses_lms_retired_name_helpers_when_importable(monkeypatch):
    student = types.ModuleType("common.djangoapps.student.models")
    student.get_retired_username_by_username = lambda u: "retired__user_" + hashlib.sha1(u.encode()).hexdigest()
    student.get_retired_email_by_email = lambda e: "retired__user_" + hashlib.sha1(e.encode()).hexdigest() + \
        "@retired.invalid"
    for name in ("common", "common.djangoapps", "common.djangoapps.student"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "common.djangoapps.student.models", student)
    user = make_user(with_status=False)
    with FakeBridge(SECRET) as bridge, bridge_settings(bridge.url):
        fire(user)
    data = bridge.requests[0].json["data"]
    assert data["identity_source"] == "user"
    assert data["retired_username"] == student.get_retired_username_by_username(ORIGINAL_USERNAME)
    assert data["retired_email"] == student.get_retired_email_by_email(ORIGINAL_EMAIL)


def test_retries_5xx_then_succeeds_with_fresh_signatures(monkeypatch, no_sleep, caplog):
    user = make_user()
    script = [(503, {"title": "Service Unavailable", "status": 503}), (500, {"title": "boom"})]
    with FakeBridge(SECRET, script=script, clock=lambda: NOW) as bridge, bridge_settings(bridge.url), \
            clock(monkeypatch, NOW):
        answer = _our_result(fire(user))
    assert answer["duplicate"] is False
    assert len(bridge.requests) == 3
    assert all(r.outcome == "valid" for r in bridge.requests)
    assert len({r.headers["webhook-id"] for r in bridge.requests}) == 1
    assert [r.headers["webhook-timestamp"] for r in bridge.requests] == [str(NOW), str(NOW + 1), str(NOW + 2)]
    assert len({r.headers["webhook-signature"] for r in bridge.requests}) == 3
    assert len({r.body for r in bridge.requests}) == 1  # same bytes every attempt
    assert no_sleep == [0.5, 1.0]
    assert_no_pii(caplog.text)


def test_429_honours_retry_after(no_sleep):
    user = make_user()
    with FakeBridge(SECRET, script=[(429, {"title": "Too Many Requests"}, {"Retry-After": "3"})]) as bridge, \
            bridge_settings(bridge.url):
        fire(user)
    assert len(bridge.requests) == 2
    assert no_sleep == [3.0]


def test_fail_closed_raises_after_retries_run_out(no_sleep, caplog):
    from retirement_bridge_plugin.notifier import RetirementNotificationFailed

    user = make_user()
    script = [(503, {"title": "Service Unavailable"})] * 3
    with FakeBridge(SECRET, script=script) as bridge, bridge_settings(bridge.url):
        with pytest.raises(RetirementNotificationFailed) as info:
            fire(user)
    assert len(bridge.requests) == 3 and no_sleep == [0.5, 1.0]
    message = str(info.value)
    assert "lms_user_id=4242" in message and expected_webhook_id(SITE, 4242) in message
    assert "after 3 attempt(s)" in message and "unexpected status 503" in message
    assert "RETIREMENT_BRIDGE_NOT_DELIVERED" in caplog.text
    assert_no_pii(message, caplog.text)


def test_fail_closed_when_bridge_unreachable(no_sleep, caplog):
    from retirement_bridge_plugin.notifier import RetirementNotificationFailed

    user = make_user()
    with bridge_settings("http://127.0.0.1:{}".format(unused_port()), RETRIES=1):
        with pytest.raises(RetirementNotificationFailed) as info:
            fire(user)
    assert "connection refused" in str(info.value) and "after 2 attempt(s)" in str(info.value)
    assert no_sleep == [0.5]
    assert_no_pii(str(info.value), caplog.text)


def test_4xx_is_not_retried_and_bridge_detail_is_redacted(no_sleep, caplog):
    from retirement_bridge_plugin.notifier import RetirementNotificationFailed

    user = make_user()
    problem = {"title": "Bad Request", "status": 400,
               "detail": "data.email '{}' of {} rejected".format(ORIGINAL_EMAIL, ORIGINAL_USERNAME)}
    with FakeBridge(SECRET, script=[(400, problem)]) as bridge, bridge_settings(bridge.url):
        with pytest.raises(RetirementNotificationFailed) as info:
            fire(user)
    assert len(bridge.requests) == 1 and no_sleep == []
    assert "status 400" in str(info.value) and "Bad Request" in str(info.value)
    assert_no_pii(str(info.value), caplog.text)


@pytest.mark.parametrize("status", [200, 204, 307])
def test_other_statuses_are_failures_and_redirects_are_not_followed(status, no_sleep):
    from retirement_bridge_plugin.notifier import RetirementNotificationFailed

    user = make_user()
    with FakeBridge(SECRET) as elsewhere, \
            FakeBridge(SECRET, script=[(status, None, {"Location": elsewhere.url + "/v1/webhooks/user-retired"})]) \
            as bridge, bridge_settings(bridge.url):
        with pytest.raises(RetirementNotificationFailed, match="unexpected status {}".format(status)):
            fire(user)
    assert len(bridge.requests) == 1 and elsewhere.requests == [] and no_sleep == []


def test_timeout_counts_as_unreachable(no_sleep):
    from retirement_bridge_plugin.notifier import RetirementNotificationFailed

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)  # accepts connections (backlog) but never answers
    try:
        user = make_user()
        with bridge_settings("http://127.0.0.1:{}".format(listener.getsockname()[1]), TIMEOUT=0.3, RETRIES=0):
            with pytest.raises(RetirementNotificationFailed, match="timed out"):
                fire(user)
    finally:
        listener.close()


def test_fail_open_logs_without_pii_and_continues(caplog, no_sleep):
    user = make_user()
    with bridge_settings("http://127.0.0.1:{}".format(unused_port()), FAIL_CLOSED=False):
        results = fire(user)
    assert _our_result(results) is None
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    text = errors[0].getMessage()
    assert "RETIREMENT_BRIDGE_NOT_DELIVERED" in text and "lms_user_id=4242" in text
    assert expected_webhook_id(SITE, 4242) in text and "retirement_bridge_resend 4242" in text
    assert_no_pii(caplog.text)


def test_wrong_secret_is_a_rejection_not_a_retry(no_sleep, caplog):
    from retirement_bridge_plugin.notifier import RetirementNotificationFailed

    user = make_user()
    with FakeBridge(OTHER_SECRET) as bridge, bridge_settings(bridge.url):
        with pytest.raises(RetirementNotificationFailed, match="status 401.*no matching signature"):
            fire(user)
    assert len(bridge.requests) == 1
    assert_no_pii(caplog.text)


@pytest.mark.parametrize("fail_closed", [True, False])
def test_misconfiguration_raises_at_fire_time_even_when_fail_open(fail_closed):
    user = make_user()
    with bridge_settings(None, FAIL_CLOSED=fail_closed):
        with pytest.raises(ImproperlyConfigured, match="RETIREMENT_BRIDGE_URL is not set"):
            fire(user)


def test_signal_without_user_fails_loudly():
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_MISC

    with bridge_settings("https://bridge.example.edu"):
        with pytest.raises(ValueError, match="without a saved user"):
            USER_RETIRE_LMS_MISC.send(sender=None, user=None)


def test_resend_command_uses_same_webhook_id(no_sleep):
    import io

    from django.core.management import call_command

    user = make_user()
    with FakeBridge(SECRET) as bridge, bridge_settings(bridge.url):
        fire(user)
        out = io.StringIO()
        call_command("retirement_bridge_resend", "4242", stdout=out)
    assert [r.headers["webhook-id"] for r in bridge.requests] == [expected_webhook_id(SITE, 4242)] * 2
    assert "duplicate True" in out.getvalue()
    assert_no_pii(out.getvalue())
