"""manage.py retirement_bridge_check: one line for each outcome."""
import io

import pytest
from django.core.management import CommandError, call_command

from fake_bridge import FakeBridge, unused_port
from helpers import OTHER_SECRET, SECRET, SITE, bridge_settings


def _run():
    out, err = io.StringIO(), io.StringIO()
    call_command("retirement_bridge_check", stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def _one_line(text):
    lines = text.strip("\n").split("\n")
    assert len(lines) == 1, lines
    return lines[0]


def test_success_line_lists_deleters():
    with FakeBridge(SECRET, deleters=["mailchimp", "zendesk"]) as bridge, bridge_settings(bridge.url):
        line = _one_line(_run())
    assert line == ("retirement bridge check OK: {}/v1/webhooks/user-retired reachable, secret accepted, site {}, "
                    "mode fail-closed, deleters: mailchimp, zendesk".format(bridge.url, SITE))
    assert len(bridge.requests) == 1
    req = bridge.requests[0]
    assert req.outcome == "valid"
    assert req.json["type"] == "retirement_bridge.check" and req.json["data"] == {"site": SITE}
    assert req.headers["webhook-id"].startswith("msg_") and len(req.headers["webhook-id"]) == 36
    assert SECRET not in line


def test_success_with_no_deleters_and_fail_open():
    with FakeBridge(SECRET, deleters=[]) as bridge, bridge_settings(bridge.url, FAIL_CLOSED=False):
        line = _one_line(_run())
    assert line.endswith("mode fail-open (continue), deleters: (none configured)")


def test_check_ids_are_fresh_each_time():
    with FakeBridge(SECRET) as bridge, bridge_settings(bridge.url):
        _run()
        _run()
    assert bridge.requests[0].headers["webhook-id"] != bridge.requests[1].headers["webhook-id"]


def test_wrong_secret_reports_bridge_detail():
    with FakeBridge(OTHER_SECRET) as bridge, bridge_settings(bridge.url):
        with pytest.raises(CommandError) as info:
            _run()
    assert str(info.value) == "retirement bridge check failed: bridge says signature rejected: no matching signature"
    assert SECRET not in str(info.value) and OTHER_SECRET not in str(info.value)


def test_unreachable():
    port = unused_port()
    with bridge_settings("http://127.0.0.1:{}".format(port)):
        with pytest.raises(CommandError) as info:
            _run()
    assert str(info.value) == ("retirement bridge check failed: cannot connect to "
                               "http://127.0.0.1:{}/v1/webhooks/user-retired: connection refused".format(port))


def test_unexpected_status_is_reported_without_retrying(no_sleep):
    with FakeBridge(SECRET, script=[(503, {"title": "Service Unavailable"})]) as bridge, bridge_settings(bridge.url):
        with pytest.raises(CommandError) as info:
            _run()
    assert str(info.value) == ("retirement bridge check failed: unexpected status 503 from "
                               "{}/v1/webhooks/user-retired (Service Unavailable)".format(bridge.url))
    assert len(bridge.requests) == 1 and no_sleep == []


def test_unexpected_answer_body():
    with FakeBridge(SECRET, script=[(200, {"hello": "world"})]) as bridge, bridge_settings(bridge.url):
        with pytest.raises(CommandError, match='status 200 without {"check": "ok"}'):
            _run()


@pytest.mark.parametrize("overrides, name", [
    ({"secret": "whsec_short"}, "RETIREMENT_BRIDGE_SECRET"),
    ({"TIMEOUT": "soon"}, "RETIREMENT_BRIDGE_TIMEOUT"),
    ({"FAIL_CLOSED": "yes"}, "RETIREMENT_BRIDGE_FAIL_CLOSED"),
])
def test_bad_setting_is_named(overrides, name):
    with bridge_settings("https://bridge.example.edu", **overrides):
        with pytest.raises(CommandError) as info:
            _run()
    assert str(info.value).startswith("retirement bridge check failed: RetirementBridge settings invalid: " + name)


def test_missing_url_is_named():
    with bridge_settings(None):
        with pytest.raises(CommandError, match="RETIREMENT_BRIDGE_URL is not set"):
            _run()


def test_other_4xx_is_unexpected_status_with_problem_title():
    with FakeBridge(SECRET, script=[(404, {"title": "Not Found", "status": 404})]) as bridge, \
            bridge_settings(bridge.url):
        with pytest.raises(CommandError) as info:
            _run()
    assert str(info.value) == ("retirement bridge check failed: unexpected status 404 from "
                               "{}/v1/webhooks/user-retired (Not Found)".format(bridge.url))
