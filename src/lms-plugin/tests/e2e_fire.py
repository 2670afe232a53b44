#!/usr/bin/env python3
"""End-to-end driver: a stand-in LMS that loads the INSTALLED plugin through its entry point.

    python e2e_fire.py fire  --bridge-url URL --secret whsec_... --user-id N --email E --username U [--site S]
                             [--no-retirement-status] [--fail-open] [--retries N] [--timeout SECONDS]
    python e2e_fire.py check --bridge-url URL --secret whsec_... [--site S]

URL is the bridge's base URL (the plugin appends /v1/webhooks/user-retired). The secret may also be given in
the environment as RETIREMENT_BRIDGE_SECRET instead of --secret.

It sets up Django with the LMS stand-in in ./lms_stub (sqlite in memory) and the plugin found through the
``lms.djangoapp`` entry point (never a hard-coded INSTALLED_APPS name), the bridge settings passed the way an
LMS gets them (a config file named by LMS_CFG, applied by the plugin's production settings).

fire:  creates the user (and, unless --no-retirement-status, its UserRetirementStatus row with retired_*
       values), sends USER_RETIRE_LMS_MISC like the LMS's "retire misc" step, prints ONE line to stdout and
       exits 0 when the receiver ran without raising ("OK ..."), or prints one line "FAILED: ..." to stdout
       and exits 1 (2 if the plugin was not found through its entry point).
check: runs `manage.py retirement_bridge_check`; its one line and exit code are passed through unchanged
       (success on stdout, exit 0; "CommandError: ..." on stderr, exit 1).
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

STUB_DIR = Path(__file__).resolve().parent / "lms_stub"
ENTRY_POINT_GROUP = "lms.djangoapp"


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("fire", "check"):
        p = sub.add_parser(name)
        p.add_argument("--bridge-url", required=True)
        p.add_argument("--secret", default=os.environ.get("RETIREMENT_BRIDGE_SECRET"))
        p.add_argument("--site", default=None)
        p.add_argument("--retries", type=int, default=None)
        p.add_argument("--timeout", type=float, default=None)
        if name == "fire":
            p.add_argument("--user-id", type=int, required=True)
            p.add_argument("--email", required=True)
            p.add_argument("--username", required=True)
            p.add_argument("--no-retirement-status", action="store_true",
                           help="do not create a UserRetirementStatus row (identity_source 'user')")
            p.add_argument("--fail-open", action="store_true", help="RETIREMENT_BRIDGE_FAIL_CLOSED = False")
    return parser.parse_args(argv)


def _setup_django(args):
    config = {"RETIREMENT_BRIDGE_URL": args.bridge_url, "RETIREMENT_BRIDGE_SECRET": args.secret}
    if args.site:
        config["RETIREMENT_BRIDGE_SITE"] = args.site
    if args.retries is not None:
        config["RETIREMENT_BRIDGE_RETRIES"] = args.retries
    if args.timeout is not None:
        config["RETIREMENT_BRIDGE_TIMEOUT"] = args.timeout
    if getattr(args, "fail_open", False):
        config["RETIREMENT_BRIDGE_FAIL_CLOSED"] = False
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(config, f)
    os.environ["LMS_CFG"] = f.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "stub_lms_settings"
    sys.path.insert(0, str(STUB_DIR))
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", run_syncdb=True, verbosity=0)
    finally:
        os.unlink(f.name)

    import plugin_loader

    if not any(v.startswith("retirement_bridge_plugin.") for v in plugin_loader.LOADED_ENTRY_POINTS):
        print("FAILED: the plugin was not found through the '{}' entry point (is it installed in this "
              "interpreter?)".format(ENTRY_POINT_GROUP))
        sys.exit(2)


def _fire(args):
    from django.contrib.auth import get_user_model
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_MISC
    from openedx.core.djangoapps.user_api.models import RetirementState, UserRetirementStatus

    user = get_user_model().objects.create(id=args.user_id, username=args.username, email=args.email)
    if not args.no_retirement_status:
        state = RetirementState.objects.create(state_name="RETIRING_LMS_MISC", state_execution_order=70)
        digest = hashlib.sha256("{}|{}".format(args.user_id, args.username).encode("utf-8")).hexdigest()[:32]
        UserRetirementStatus.objects.create(
            user=user, original_username=args.username, original_email=args.email, original_name="",
            retired_username="retired__user_" + digest, retired_email="retired__user_{}@retired.invalid".format(digest),
            current_state=state, last_state=state,
        )

    class LMSAccountRetirementView:  # sender, as in the LMS
        pass

    receiver_name = "retirement_bridge_plugin.receivers.on_user_retire_lms_misc"
    if not any(entry[0][0] == receiver_name for entry in USER_RETIRE_LMS_MISC.receivers):
        print("FAILED: no receiver connected to USER_RETIRE_LMS_MISC")
        return 1
    try:
        results = USER_RETIRE_LMS_MISC.send(sender=LMSAccountRetirementView, user=user)
    except Exception as exc:  # pylint: disable=broad-except  (the LMS view turns this into a 500)
        print("FAILED: {}: {}".format(type(exc).__name__, exc))
        return 1
    answer = next((r for f, r in results if "{}.{}".format(f.__module__, f.__name__) == receiver_name), None)
    from retirement_bridge_plugin.conf import load_config
    from retirement_bridge_plugin.events import retirement_webhook_id

    webhook_id = retirement_webhook_id(load_config().site, args.user_id)
    if answer is None:
        print("OK (fail-open): lms_user_id={} webhook-id {} NOT delivered; the retirement step continued".format(
            args.user_id, webhook_id))
    else:
        print("OK: lms_user_id={} webhook-id {} accepted: retirement_id {} duplicate {}".format(
            args.user_id, webhook_id, answer.get("retirement_id"), json.dumps(answer.get("duplicate"))))
    return 0


def main(argv=None):
    args = _parse(sys.argv[1:] if argv is None else argv)
    _setup_django(args)
    if args.command == "fire":
        return _fire(args)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "retirement_bridge_check"])  # exits 1 itself on CommandError
    return 0


if __name__ == "__main__":
    sys.exit(main())
