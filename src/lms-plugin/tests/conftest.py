"""Test setup: the plugin (from source), the LMS stand-in, and Django configured like the LMS loads plugins.

The plugin is found through its ``lms.djangoapp`` entry point exactly as in the LMS: a throw-away
``*.dist-info`` whose entry_points.txt is generated from pyproject.toml is put on sys.path, so
importlib.metadata discovers the plugin without installing it.
"""
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PLUGIN_DIR = TESTS_DIR.parent
REPO_DIR = PLUGIN_DIR.parent.parent
CONTRACTS_DIR = REPO_DIR / "contracts"
STUB_DIR = TESTS_DIR / "lms_stub"


def declared_entry_points():
    """[(group, name, value)] from pyproject.toml's [project.entry-points.*] tables."""
    text = (PLUGIN_DIR / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib  # Python 3.11+
    except ImportError:  # pragma: no cover - older interpreters: the one table we need, parsed by hand
        tomllib = None
    if tomllib:
        eps = tomllib.loads(text)["project"].get("entry-points", {})
        return [(g, n, v) for g, table in eps.items() for n, v in table.items()]
    out, group = [], None
    for line in text.splitlines():
        m = re.match(r'^\[project\.entry-points\."?([^"\]]+)"?\]', line)
        if m:
            group = m.group(1)
            continue
        if line.startswith("["):
            group = None
        elif group and "=" in line:
            name, value = (s.strip().strip('"') for s in line.split("=", 1))
            out.append((group, name, value))
    return out


def write_fake_dist_info(target_dir):
    dist = Path(target_dir) / "openedx_retirement_bridge-0.0.0+tests.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: openedx-retirement-bridge\nVersion: 0.0.0+tests\n")
    lines = []
    for group in sorted({g for g, _, _ in declared_entry_points()}):
        lines.append("[{}]".format(group))
        lines += ["{} = {}".format(n, v) for g, n, v in declared_entry_points() if g == group]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return dist


def pytest_configure(config):
    dist_dir = tempfile.mkdtemp(prefix="rb-dist-info-")
    write_fake_dist_info(dist_dir)
    config._rb_dist_dir = dist_dir
    for path in (str(PLUGIN_DIR), str(STUB_DIR), dist_dir):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "stub_lms_settings"
    os.environ.pop("LMS_CFG", None)
    import logging
    import warnings

    # Django 3.2 on Python 3.11 warns about its own imports, and the plugin's ready() logs that the (not yet
    # overridden) settings are incomplete: both expected here, and the latter is tested on its own.
    startup_logger = logging.getLogger("retirement_bridge_plugin.apps")
    startup_logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", run_syncdb=True, verbosity=0)
    finally:
        startup_logger.disabled = False


@pytest.fixture
def dist_info_dir(pytestconfig):
    return pytestconfig._rb_dist_dir


@pytest.fixture
def db():
    """Each test runs in a transaction that is rolled back."""
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def no_sleep(monkeypatch):
    """Record backoff delays instead of sleeping."""
    from retirement_bridge_plugin import client

    delays = []
    monkeypatch.setattr(client, "_sleep", delays.append)
    return delays
