"""Turning a retired learner into one delivered notification (or a loud failure)."""
import logging

from . import client
from .events import EVENT_CHECK, EVENT_USER_RETIRED, check_webhook_id, encode_body, retirement_webhook_id
from .identity import collect_identity

log = logging.getLogger(__name__)

#: Greppable marker on every log line about a notification that did not reach the bridge.
NOT_DELIVERED_MARKER = "RETIREMENT_BRIDGE_NOT_DELIVERED"


class RetirementNotificationFailed(Exception):
    """Raised (fail-closed) so the LMS retirement step answers 500 and the pipeline retries the learner.

    The message is returned to the retirement pipeline and ends up in its logs and in
    UserRetirementStatus.responses: it names the lms user id and webhook-id only, never username or email.
    """


def notify_user_retired(user, config):
    """Send user.retire_lms_misc for ``user``. Returns the bridge's 202 answer (dict) or None (fail-open)."""
    identity = collect_identity(user)
    lms_user_id = identity["lms_user_id"]
    data = dict(identity, site=config.site)
    webhook_id = retirement_webhook_id(config.site, lms_user_id)
    body = encode_body(EVENT_USER_RETIRED, data)
    pii = [data.get(k) for k in ("username", "email", "retired_username", "retired_email")]
    try:
        response = client.deliver(config, body, webhook_id, expected_status=202, redact_values=pii)
    except client.BridgeError as exc:
        message = (
            "RetirementBridge did not accept the retirement notification for lms_user_id={} (webhook-id {}) "
            "after {} attempt(s): {}".format(lms_user_id, webhook_id, exc.attempts, exc)
        )
        if config.fail_closed:
            log.error("%s: %s; failing the retirement step so the pipeline retries it", NOT_DELIVERED_MARKER, message)
            raise RetirementNotificationFailed(message) from None
        log.error(
            "%s: %s; RETIREMENT_BRIDGE_FAIL_CLOSED is False, so the retirement continues WITHOUT the bridge "
            "knowing. Re-send with: manage.py lms retirement_bridge_resend %s",
            NOT_DELIVERED_MARKER, message, lms_user_id,
        )
        return None
    answer = response.body if isinstance(response.body, dict) else {}
    log.info(
        "RetirementBridge accepted lms_user_id=%s webhook_id=%s retirement_id=%s duplicate=%s identity_source=%s "
        "attempts=%d",
        lms_user_id, webhook_id, answer.get("retirement_id"), answer.get("duplicate"), identity["identity_source"],
        response.attempts,
    )
    return answer


def check_bridge(config):
    """Send a signed retirement_bridge.check once. Returns the bridge's JSON answer; raises client.BridgeError."""
    body = encode_body(EVENT_CHECK, {"site": config.site})
    response = client.deliver(config, body, check_webhook_id(), expected_status=200, retries=0)
    return response.body
