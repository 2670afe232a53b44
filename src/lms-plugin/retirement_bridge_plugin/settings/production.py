"""Production settings hook (applied by the plugin loader at the end of lms/envs/production.py).

Since Open edX Maple every key of the LMS YAML config (LMS_CFG, Tutor's lms.env.yml) is already a settings
attribute by the time this runs. Older releases only exposed the YAML as ENV_TOKENS / AUTH_TOKENS, so those
are honoured too (AUTH_TOKENS wins, as it did for secrets).
"""
from ..conf import SETTING_NAMES
from .common import plugin_settings as common_plugin_settings


def plugin_settings(settings):
    common_plugin_settings(settings)
    for tokens_name in ("ENV_TOKENS", "AUTH_TOKENS"):
        tokens = getattr(settings, tokens_name, None)
        if not isinstance(tokens, dict):
            continue
        for name in SETTING_NAMES:
            if name in tokens:
                setattr(settings, name, tokens[name])
