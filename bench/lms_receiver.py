#!/usr/bin/python3
"""How long the LMS plugin's receiver adds to Open edX's "retire misc" step, against a running bridge.

    bench/lms_receiver.py [--smoke] [--count N] [--json FILE] [--bridge-url URL --secret whsec_...]

The LMS stand-in of the plugin's tests (src/lms-plugin/tests/lms_stub: the real signal's module path, the
UserRetirementStatus model, plugins loaded through their lms.djangoapp entry point) sends USER_RETIRE_LMS_MISC the
way the LMS does, inside a database transaction (ATOMIC_REQUESTS). Timed: the signal's send(), i.e. what the step
waits for. Three runs:
  - baseline: the plugin's receiver disconnected (what the step costs without it);
  - bridge up: a real bridge process (its Release build, SQLite in a temp folder), or the one given by --bridge-url;
    every notification must be recorded (rows counted in its SQLite file when this script started it);
  - bridge down: a closed port on 127.0.0.1 (connection refused): the receiver's retry budget, then the step fails
    (RETIREMENT_BRIDGE_FAIL_CLOSED, the default) so the LMS retries the learner later.
Exit 0 with a table; 1 and one line "lms_receiver.py: FAILED: ..." on stderr. Everything stays on 127.0.0.1 and
stops by itself (a time limit); the bridge it started is stopped on exit. No learner data is printed.
"""
import argparse
import base64
import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLUGIN_DIR = REPO / "src" / "lms-plugin"
TESTS_DIR = PLUGIN_DIR / "tests"
BRIDGE_DLL = REPO / "src" / "RetirementBridge" / "bin" / "Release" / "net10.0" / "RetirementBridge.dll"
RECEIVER = "retirement_bridge_plugin.receivers.on_user_retire_lms_misc"


class Failed(Exception):
    pass


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few notifications, seconds")
    parser.add_argument("--count", type=int, default=None, help="notifications per run (default 500; smoke 30)")
    parser.add_argument("--json", default=None, help="also write the figures for bench/render_benchmarks.py")
    parser.add_argument("--bridge-url", default=None, help="a running bridge instead of starting one")
    parser.add_argument("--secret", default=None, help="its webhook secret (with --bridge-url)")
    args = parser.parse_args(argv)
    if args.count is None:
        args.count = 30 if args.smoke else 500
    if args.count < 1:
        parser.error("--count must be at least 1")
    if bool(args.bridge_url) != bool(args.secret):
        parser.error("--bridge-url and --secret go together")
    return args


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bridge:
    """The bridge's Release build as its own process, on a free loopback port, SQLite in a temp folder."""

    def __init__(self, folder):
        if not BRIDGE_DLL.exists():
            raise Failed("{} is missing: dotnet build -c Release src/RetirementBridge".format(BRIDGE_DLL))
        self.secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
        self.db = Path(folder) / "bridge.db"
        self.url = "http://127.0.0.1:{}".format(free_port())
        env = dict(os.environ, Webhook__Secrets__0=self.secret, Store__Sqlite__Path=str(self.db),
                   Serilog__MinimumLevel__Default="Warning")
        self.log = open(Path(folder) / "bridge.log", "wb")
        self.process = subprocess.Popen(["dotnet", str(BRIDGE_DLL), "--urls", self.url], cwd=str(BRIDGE_DLL.parent),
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failed("the bridge exited during start-up (code {})".format(self.process.returncode))
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise Failed("the bridge was not ready within 60 s")

    def recorded(self):
        with sqlite3.connect("file:{}?mode=ro".format(self.db), uri=True) as db:
            return db.execute("SELECT COUNT(*) FROM retirements").fetchone()[0]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def setup_lms(url, secret):
    """Django with the LMS stand-in, the plugin found through its entry point, the bridge settings from LMS_CFG."""
    sys.path[:0] = [str(TESTS_DIR), str(PLUGIN_DIR), str(TESTS_DIR / "lms_stub")]
    from conftest import write_fake_dist_info  # the tests' own entry-point shim: the plugin is not installed here

    dist_dir = tempfile.mkdtemp(prefix="rb-bench-dist-")
    write_fake_dist_info(dist_dir)
    sys.path.insert(0, dist_dir)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as cfg:
        json.dump({"RETIREMENT_BRIDGE_URL": url, "RETIREMENT_BRIDGE_SECRET": secret}, cfg)
    os.environ["LMS_CFG"] = cfg.name
    os.environ["DJANGO_SETTINGS_MODULE"] = "stub_lms_settings"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", run_syncdb=True, verbosity=0)
    os.unlink(cfg.name)
    # The receiver's retry warnings would print a line per attempt in the bridge-down run.
    logging.getLogger("retirement_bridge_plugin").setLevel(logging.ERROR)


class Learners:
    """Made-up learners as the LMS has them at "retire misc": the user row and its UserRetirementStatus."""

    def __init__(self):
        from openedx.core.djangoapps.user_api.models import RetirementState

        self.state = RetirementState.objects.create(state_name="RETIRING_LMS_MISC", state_execution_order=70)
        self.next_id = 1

    def create(self):
        from django.contrib.auth import get_user_model
        from openedx.core.djangoapps.user_api.models import UserRetirementStatus

        n = self.next_id
        self.next_id += 1
        user = get_user_model().objects.create(id=n, username="bench_learner_{}".format(n),
                                               email="bench.learner.{}@example.invalid".format(n))
        UserRetirementStatus.objects.create(
            user=user, original_username=user.username, original_email=user.email, original_name="",
            retired_username="retired__user_{:032x}".format(n), retired_email="retired__user_{:032x}@retired.invalid".format(n),
            current_state=self.state, last_state=self.state)
        return user


def time_step(learners, count, expect_failure=False):
    """Milliseconds the signal's send() took for each of ``count`` new learners, each in its own transaction."""
    from django.db import transaction
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_MISC

    class LMSAccountRetirementView:  # the sender, as in the LMS
        pass

    took = []
    for _ in range(count):
        user = learners.create()
        start = time.perf_counter()
        try:
            with transaction.atomic():  # ATOMIC_REQUESTS: the step runs in the request's transaction
                USER_RETIRE_LMS_MISC.send(sender=LMSAccountRetirementView, user=user)
            failed = False
        except Exception:  # pylint: disable=broad-except  (the LMS view turns it into a 500: the step failed)
            failed = True
        took.append((time.perf_counter() - start) * 1000)
        if failed != expect_failure:
            raise Failed("the retirement step {} with the bridge {}".format(
                "failed" if failed else "succeeded", "down" if expect_failure else "up"))
    return took


def receiver_connected(connect):
    """Connects or disconnects the plugin's receiver the way the plugin loader does (its dispatch_uid is its path)."""
    from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_MISC
    from retirement_bridge_plugin.receivers import on_user_retire_lms_misc

    if connect:
        USER_RETIRE_LMS_MISC.connect(on_user_retire_lms_misc, dispatch_uid=RECEIVER)
    else:
        USER_RETIRE_LMS_MISC.disconnect(dispatch_uid=RECEIVER)
    if any(entry[0][0] == RECEIVER for entry in USER_RETIRE_LMS_MISC.receivers) != connect:
        raise Failed("the plugin's receiver is {}connected".format("not " if connect else "still "))


def percentile(sorted_values, p):
    index = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(index)]


def row(name, took):
    s = sorted(took)
    return [name, str(len(s))] + ["{:.2f}".format(v) for v in (percentile(s, 50), percentile(s, 90), percentile(s, 99), s[-1])]


def main(argv):
    args = parse_args(argv)
    # Stop by ourselves whatever happens: SIGALRM raises in the main thread.
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(Failed("time limit reached")))
    signal.alarm(120 if args.smoke else 900)
    folder = tempfile.mkdtemp(prefix="rb-bench-lms-")
    bridge = None
    try:
        if args.bridge_url:
            url, secret = args.bridge_url, args.secret
        else:
            bridge = Bridge(folder)
            url, secret = bridge.url, bridge.secret
        setup_lms(url, secret)
        from django.conf import settings
        from retirement_bridge_plugin.client import BACKOFF_BASE_SECONDS, BACKOFF_MAX_SECONDS
        from retirement_bridge_plugin.conf import load_config

        learners = Learners()
        receiver_connected(True)
        time_step(learners, min(20, args.count))  # warm-up: imports, the first connections, the bridge's JIT
        warm = min(20, args.count)
        up = time_step(learners, args.count)
        if bridge is not None and bridge.recorded() != warm + args.count:
            raise Failed("the bridge recorded {} notifications of {} sent".format(bridge.recorded(), warm + args.count))
        receiver_connected(False)
        baseline = time_step(learners, args.count)
        receiver_connected(True)
        settings.RETIREMENT_BRIDGE_URL = "http://127.0.0.1:{}".format(free_port())  # nothing listens there
        # Its one RETIREMENT_BRIDGE_NOT_DELIVERED error line per learner is what an operator sees; not here.
        logging.getLogger("retirement_bridge_plugin").setLevel(logging.CRITICAL)
        down = time_step(learners, 3 if args.smoke else 10, expect_failure=True)
        config = load_config()
        backoff = sum(min(BACKOFF_BASE_SECONDS * 2 ** i, BACKOFF_MAX_SECONDS) for i in range(config.retries))
        worst = (config.retries + 1) * config.timeout + backoff
    except Failed as failure:
        print("lms_receiver.py: FAILED: {}".format(failure), file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        if bridge is not None:
            bridge.stop()

    rows = [row("baseline: receiver disconnected", baseline), row("bridge up: notified, 202", up),
            row("bridge down: connection refused, step fails", down)]
    added = sorted(u - b for u, b in zip(sorted(up), sorted(baseline)))
    caption = ("The retirement step's USER_RETIRE_LMS_MISC.send() inside a transaction, per learner (ms), {} learners "
               "after {} of warm-up; bridge {}. Bridge down: {} attempts (RETIREMENT_BRIDGE_RETRIES={}) with {:.1f} s "
               "of backoff; a bridge that accepts connections but never answers costs at most {:.1f} s "
               "(RETIREMENT_BRIDGE_TIMEOUT={} s per attempt).").format(
        args.count, warm, "given by --bridge-url" if args.bridge_url else "a Release process on SQLite, logs at Warning",
        config.retries + 1, config.retries, backoff, worst, config.timeout)
    columns = ["run", "n", "p50 ms", "p90 ms", "p99 ms", "max ms"]
    print("## The LMS side: what the plugin's receiver adds to the retirement step{}\n".format(" (smoke)" if args.smoke else ""))
    print(caption + "\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + " --- |" * len(columns))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    target = {"name": "LMS receiver, time added to the retirement step (bridge up)", "target": "reported (p50, p99)",
              "measured": "p50 {:.2f} ms, p99 {:.2f} ms".format(percentile(added, 50), percentile(added, 99)),
              "met": None, "note": "bridge down: the step fails after {:.1f} s (p50), as designed".format(
                  percentile(sorted(down), 50) / 1000)}
    print("\ntarget {}: {}; measured {}".format(target["name"], target["target"], target["measured"]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"scenario": "lms", "title": "The LMS side: the plugin's receiver in the retirement step",
                       "command": "bench/lms_receiver.py" + (" --smoke" if args.smoke else ""),
                       "store": "SQLite", "smoke": args.smoke, "machine": {"cores": os.cpu_count()},
                       "tables": [{"caption": caption, "columns": columns, "rows": rows}], "targets": [target]},
                      f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
