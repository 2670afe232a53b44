"""e2e_fire.py as a subprocess: the plugin found only through its entry point (fake dist-info here)."""
import json
import os
import subprocess
import sys

import pytest

from conftest import PLUGIN_DIR, TESTS_DIR
from fake_bridge import FakeBridge, unused_port
from helpers import OTHER_SECRET, SECRET, expected_webhook_id


def _run(dist_info_dir, *args, extra_path=True):
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = os.pathsep.join([str(PLUGIN_DIR), dist_info_dir] if extra_path else [])
    return subprocess.run([sys.executable, str(TESTS_DIR / "e2e_fire.py"), *args], capture_output=True, text=True,
                          env=env, cwd=str(TESTS_DIR), timeout=120)


FIRE = ["fire", "--user-id", "31337", "--email", "Grace.Hopper@example.edu", "--username", "grace-h",
        "--site", "lms.example.edu"]


def test_fire_ok(dist_info_dir):
    with FakeBridge(SECRET) as bridge:
        result = _run(dist_info_dir, *FIRE, "--bridge-url", bridge.url, "--secret", SECRET)
    assert result.returncode == 0, result.stdout + result.stderr
    webhook_id = expected_webhook_id("lms.example.edu", 31337)
    assert result.stdout == "OK: lms_user_id=31337 webhook-id {} accepted: retirement_id ret_0001 duplicate " \
                            "false\n".format(webhook_id)
    assert len(bridge.requests) == 1 and bridge.requests[0].outcome == "valid"
    data = bridge.requests[0].json["data"]
    assert (data["email"], data["username"], data["identity_source"]) == (
        "Grace.Hopper@example.edu", "grace-h", "user_retirement_status")
    assert "Grace" not in result.stderr and "grace-h" not in result.stderr


def test_fire_without_retirement_status(dist_info_dir):
    with FakeBridge(SECRET) as bridge:
        result = _run(dist_info_dir, *FIRE, "--no-retirement-status", "--bridge-url", bridge.url, "--secret", SECRET)
    assert result.returncode == 0, result.stdout + result.stderr
    assert bridge.requests[0].json["data"]["identity_source"] == "user"


def test_fire_wrong_secret_fails_with_one_line(dist_info_dir):
    with FakeBridge(OTHER_SECRET) as bridge:
        result = _run(dist_info_dir, *FIRE, "--bridge-url", bridge.url, "--secret", SECRET)
    assert result.returncode == 1
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("FAILED: RetirementNotificationFailed: ")
    assert "status 401" in result.stdout and "Grace" not in result.stdout + result.stderr


def test_fire_fail_open_exits_zero(dist_info_dir):
    url = "http://127.0.0.1:{}".format(unused_port())
    result = _run(dist_info_dir, *FIRE, "--fail-open", "--retries", "0", "--bridge-url", url, "--secret", SECRET)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK (fail-open): lms_user_id=31337")
    assert "RETIREMENT_BRIDGE_NOT_DELIVERED" in result.stderr and "Grace" not in result.stderr


def test_check_ok_and_failure(dist_info_dir):
    with FakeBridge(SECRET, deleters=["mailchimp"]) as bridge:
        ok = _run(dist_info_dir, "check", "--bridge-url", bridge.url, "--secret", SECRET)
        bad = _run(dist_info_dir, "check", "--bridge-url", bridge.url, "--secret", OTHER_SECRET)
    assert ok.returncode == 0 and ok.stdout.startswith("retirement bridge check OK:") and ok.stdout.count("\n") == 1
    assert ok.stdout.rstrip().endswith("deleters: mailchimp")
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr == "CommandError: retirement bridge check failed: bridge says signature rejected: " \
                         "no matching signature\n"


def test_plugin_not_discoverable_exits_2(dist_info_dir):
    result = _run(dist_info_dir, "check", "--bridge-url", "http://127.0.0.1:1", "--secret", SECRET,
                  extra_path=False)
    assert result.returncode == 2
    assert "entry point" in result.stdout
