"""Signal receivers, connected by the Open edX plugin loader from AppConfig.plugin_app["signals_config"]."""
from .conf import load_config
from .notifier import notify_user_retired


def on_user_retire_lms_misc(sender, user=None, **kwargs):  # pylint: disable=unused-argument
    """USER_RETIRE_LMS_MISC receiver: notify RetirementBridge about ``user``.

    Raises ImproperlyConfigured for bad settings (always), RetirementNotificationFailed when the bridge did
    not answer 202 and RETIREMENT_BRIDGE_FAIL_CLOSED is True (the default). The LMS sends this signal with
    ``send`` (not ``send_robust``), so raising fails the step and the pipeline marks the learner for a re-run.
    """
    return notify_user_retired(user, load_config())
