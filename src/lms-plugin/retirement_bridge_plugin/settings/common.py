"""Defaults for the LMS's common settings (applied by the plugin loader at the end of lms/envs/common.py)."""
from ..conf import DEFAULTS


def plugin_settings(settings):
    """Install defaults without overwriting anything the operator already set."""
    for name, default in DEFAULTS.items():
        if not hasattr(settings, name):
            setattr(settings, name, default)
