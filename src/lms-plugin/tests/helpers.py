"""Shared test constants and helpers."""
import base64
import contextlib
import hashlib
import json

from django.test.utils import override_settings

SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"plugin tests secret").digest()).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(hashlib.sha256(b"some other secret").digest()).decode()
SITE = "courses.example.edu"

ORIGINAL_USERNAME = "ada-lovelace-original"
ORIGINAL_EMAIL = "Ada.Lovelace@Example.edu"
RETIRED_USERNAME = "retired__user_5f1d7a84db00d2fce00b31a7fc73224f"
RETIRED_EMAIL = "retired__user_5f1d7a84db00d2fce00b31a7fc73224f@retired.invalid"
PII = [ORIGINAL_USERNAME, ORIGINAL_EMAIL, RETIRED_USERNAME, RETIRED_EMAIL,
       ORIGINAL_EMAIL.lower(), ORIGINAL_EMAIL.split("@")[0]]


def bridge_settings(url, secret=SECRET, **overrides):
    values = {
        "RETIREMENT_BRIDGE_URL": url,
        "RETIREMENT_BRIDGE_SECRET": secret,
        "RETIREMENT_BRIDGE_TIMEOUT": 5,
        "RETIREMENT_BRIDGE_RETRIES": 2,
        "RETIREMENT_BRIDGE_FAIL_CLOSED": True,
        "RETIREMENT_BRIDGE_SITE": SITE,
        "RETIREMENT_BRIDGE_ALLOW_HTTP": False,
    }
    values.update({"RETIREMENT_BRIDGE_" + k: v for k, v in overrides.items()})
    return override_settings(**values)


def expected_webhook_id(site, lms_user_id):
    """The contract's derivation, written out independently of the plugin."""
    material = "retirement-bridge|user.retire_lms_misc|{}|{}".format(site, lms_user_id)
    return "msg_" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def make_user(user_id=4242, username=ORIGINAL_USERNAME, email=ORIGINAL_EMAIL, with_status=True,
              status_username=None, status_email=None):
    from django.contrib.auth import get_user_model
    from openedx.core.djangoapps.user_api.models import RetirementState, UserRetirementStatus

    user = get_user_model().objects.create(id=user_id, username=username, email=email)
    if with_status:
        state, _ = RetirementState.objects.get_or_create(
            state_name="RETIRING_LMS_MISC", defaults={"state_execution_order": 70})
        UserRetirementStatus.objects.create(
            user=user, original_username=status_username or username, original_email=status_email or email,
            original_name="Ada Lovelace", retired_username=RETIRED_USERNAME, retired_email=RETIRED_EMAIL,
            current_state=state, last_state=state,
        )
    return user


def fire(user):
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_MISC

    class LMSAccountRetirementView:  # the real sender class name
        pass

    return USER_RETIRE_LMS_MISC.send(sender=LMSAccountRetirementView, user=user)


def assert_no_pii(*texts):
    for text in texts:
        for value in PII:
            assert value not in str(text), "PII {!r} leaked into: {}".format(value, text)


def load_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


@contextlib.contextmanager
def clock(monkeypatch, start):
    """Patch the plugin's clock: each call returns the next second."""
    from retirement_bridge_plugin import client

    ticks = iter(range(start, start + 10_000))
    monkeypatch.setattr(client, "_clock", lambda: next(ticks))
    yield
