"""manage.py lms retirement_bridge_resend LMS_USER_ID [...]: re-send a learner's notification.

For learners whose notification was not delivered while RETIREMENT_BRIDGE_FAIL_CLOSED was False (look for
RETIREMENT_BRIDGE_NOT_DELIVERED in the LMS logs). The identity must come from the learner's
UserRetirementStatus row: after the retirement has finished the user row holds only retired values, so
sending it would make the bridge delete nothing. The same webhook-id is used, so re-sending a notification the
bridge already has is harmless (it answers duplicate: true). Prints one line per learner; exits non-zero if
any failed.
"""
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ... import client
from ...conf import load_config
from ...events import EVENT_USER_RETIRED, IDENTITY_FROM_RETIREMENT_STATUS, encode_body, retirement_webhook_id
from ...identity import collect_identity


class Command(BaseCommand):
    help = "Re-send the user.retire_lms_misc notification for the given LMS user ids (from UserRetirementStatus)."

    def add_arguments(self, parser):
        parser.add_argument("lms_user_ids", nargs="+", type=int)

    def handle(self, *args, **options):
        try:
            config = load_config()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        user_model = get_user_model()
        failed = 0
        for lms_user_id in options["lms_user_ids"]:
            webhook_id = retirement_webhook_id(config.site, lms_user_id)
            user = user_model.objects.filter(pk=lms_user_id).first()
            if user is None:
                self.stderr.write("lms_user_id={}: no such user".format(lms_user_id))
                failed += 1
                continue
            identity = collect_identity(user)
            if identity["identity_source"] != IDENTITY_FROM_RETIREMENT_STATUS:
                self.stderr.write(
                    "lms_user_id={}: no UserRetirementStatus row, so the original identity is gone; not sent".format(
                        lms_user_id))
                failed += 1
                continue
            data = dict(identity, site=config.site)
            pii = [data.get(k) for k in ("username", "email", "retired_username", "retired_email")]
            try:
                response = client.deliver(config, encode_body(EVENT_USER_RETIRED, data), webhook_id,
                                          expected_status=202, redact_values=pii)
            except client.BridgeError as exc:
                self.stderr.write("lms_user_id={} webhook-id {}: {}".format(lms_user_id, webhook_id, exc))
                failed += 1
                continue
            answer = response.body if isinstance(response.body, dict) else {}
            self.stdout.write("lms_user_id={} webhook-id {}: accepted (retirement_id {}, duplicate {})".format(
                lms_user_id, webhook_id, answer.get("retirement_id"), answer.get("duplicate")))
        if failed:
            raise CommandError("{} of {} notification(s) not delivered".format(failed, len(options["lms_user_ids"])))
