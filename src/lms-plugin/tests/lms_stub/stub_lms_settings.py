"""Minimal LMS-like settings module for the plugin's tests and e2e_fire.py (not the real LMS settings)."""
import json
import os
import sys

import plugin_loader

SECRET_KEY = "lms-stub-not-secret"
DEBUG = False
USE_TZ = True
ROOT_URLCONF = "lms_stub_urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
LMS_BASE = "courses.example.edu"
LMS_ROOT_URL = "https://courses.example.edu"
LOGGING_CONFIG = None  # keep Python's default: warnings and errors to stderr

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "openedx.core.djangoapps.user_api.apps.UserAPIConfig",
    "openedx.core.djangoapps.plugins.apps.PluginsConfig",
]

# Like lms/envs/common.py: plugin apps come from the lms.djangoapp entry points, never from a hard-coded name.
INSTALLED_APPS.extend(plugin_loader.get_plugin_apps(plugin_loader.LMS))
plugin_loader.add_plugin_settings(sys.modules[__name__], plugin_loader.LMS, plugin_loader.COMMON)

# Like lms/envs/production.py: overlay the operator's config file, then the plugins' production settings.
if os.environ.get("LMS_CFG"):
    with open(os.environ["LMS_CFG"], encoding="utf-8") as _f:
        _config = json.load(_f)
    vars().update(_config)
    ENV_TOKENS = _config
    plugin_loader.add_plugin_settings(sys.modules[__name__], plugin_loader.LMS, plugin_loader.PRODUCTION)
