"""manage.py lms retirement_bridge_check: is the bridge reachable and does it accept our signature?

Prints exactly one line. Success goes to stdout with exit code 0; every failure raises CommandError
(Django prints "CommandError: <line>" to stderr and exits 1). The secret is never printed.
"""
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ... import client
from ...conf import load_config
from ...notifier import check_bridge

PREFIX = "retirement bridge check failed: "


class Command(BaseCommand):
    help = (
        "Validate the RETIREMENT_BRIDGE_* settings and send a signed retirement_bridge.check event to the "
        "bridge (nothing is stored and no provider is contacted). Prints one line; exits non-zero on failure."
    )

    def handle(self, *args, **options):
        try:
            config = load_config()
        except ImproperlyConfigured as exc:
            raise CommandError(PREFIX + str(exc)) from None

        try:
            answer = check_bridge(config)
        except client.BridgeUnreachable as exc:
            raise CommandError(PREFIX + str(exc)) from None
        except client.BridgeError as exc:
            if exc.status == 401:
                problem = exc.problem if isinstance(exc.problem, dict) else {}
                detail = problem.get("detail") or problem.get("title")
                raise CommandError(PREFIX + "bridge says signature rejected: {}".format(
                    client.redact(detail) if detail else "(no problem detail given)")) from None
            if exc.status is not None:
                summary = client.problem_summary(exc.problem)
                raise CommandError(PREFIX + "unexpected status {} from {}{}".format(
                    exc.status, config.endpoint, " ({})".format(summary) if summary else "")) from None
            raise CommandError(PREFIX + str(exc)) from None

        if not isinstance(answer, dict) or answer.get("check") != "ok":
            raise CommandError(
                PREFIX + 'unexpected answer from {}: status 200 without {{"check": "ok"}}'.format(config.endpoint)
            )
        deleters = answer.get("deleters")
        if not isinstance(deleters, list) or not all(isinstance(d, str) for d in deleters):
            raise CommandError(PREFIX + "unexpected answer from {}: 'deleters' is not a list of names".format(
                config.endpoint))
        self.stdout.write(
            "retirement bridge check OK: {} reachable, secret accepted, site {}, mode {}, deleters: {}".format(
                config.endpoint, config.site, "fail-closed" if config.fail_closed else "fail-open (continue)",
                ", ".join(deleters) if deleters else "(none configured)",
            )
        )
