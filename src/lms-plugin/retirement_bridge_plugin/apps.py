"""Django AppConfig and Open edX plugin declaration.

The ``plugin_app`` dict uses the plain string keys that edx-django-utils' plugin loader reads
(``edx_django_utils.plugins.constants``), so this module imports without edx-django-utils installed.
"""
import logging

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

SIGNAL_PATH = "openedx.core.djangoapps.user_api.accounts.signals.USER_RETIRE_LMS_MISC"


class RetirementBridgeConfig(AppConfig):
    """Registers the USER_RETIRE_LMS_MISC receiver and the plugin's settings with the LMS."""

    name = "retirement_bridge_plugin"
    label = "retirement_bridge"
    verbose_name = "RetirementBridge notifier"

    plugin_app = {
        "settings_config": {
            "lms.djangoapp": {
                "common": {"relative_path": "settings.common"},
                "production": {"relative_path": "settings.production"},
            },
        },
        "signals_config": {
            "lms.djangoapp": {
                "relative_path": "receivers",
                "receivers": [
                    {
                        "receiver_func_name": "on_user_retire_lms_misc",
                        "signal_path": SIGNAL_PATH,
                        "dispatch_uid": "retirement_bridge_plugin.receivers.on_user_retire_lms_misc",
                    },
                ],
            },
        },
    }

    def ready(self):
        # Configuration is validated here only to warn early. It is *not* raised: an LMS must still start,
        # migrate and collect static files with this plugin installed but not yet configured (image builds run
        # with partial settings). The receiver and the check command raise ImproperlyConfigured instead, so a
        # misconfiguration can never turn into a silently skipped notification.
        from .conf import load_config  # pylint: disable=import-outside-toplevel

        try:
            load_config()
        except ImproperlyConfigured as exc:
            log.error(
                "RetirementBridge plugin is misconfigured; every 'retire misc' step will fail until it is fixed: %s",
                exc,
            )
