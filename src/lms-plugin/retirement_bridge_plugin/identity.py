"""Collecting a learner's pre-retirement identity from the LMS."""
import importlib
import logging

from .events import IDENTITY_FROM_RETIREMENT_STATUS, IDENTITY_FROM_USER

log = logging.getLogger(__name__)

_RETIREMENT_STATUS_MODULE = "openedx.core.djangoapps.user_api.models"
# Where the LMS keeps get_retired_username_by_username / get_retired_email_by_email (newer first).
_STUDENT_MODELS_MODULES = ("common.djangoapps.student.models", "student.models")


def _retirement_status_for(user):
    try:
        module = importlib.import_module(_RETIREMENT_STATUS_MODULE)
    except ImportError:
        return None
    model = getattr(module, "UserRetirementStatus", None)
    if model is None:
        return None
    return model.objects.filter(user=user).first()


def _retired_value(func_name, value, lms_user_id):
    """Call the LMS helper ``func_name(value)`` if it can be imported; None otherwise."""
    for module_name in _STUDENT_MODELS_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        func = getattr(module, func_name, None)
        if func is None:
            continue
        try:
            return func(value)
        except Exception as exc:  # pylint: disable=broad-except
            # Never log the value itself: it is the learner's username or email.
            log.warning(
                "RetirementBridge: %s failed for lms_user_id=%s (%s); sending null",
                func_name, lms_user_id, type(exc).__name__,
            )
            return None
    return None


def collect_identity(user):
    """Return the ``data`` fields of a user.retire_lms_misc notification, except ``site``."""
    if user is None or getattr(user, "pk", None) is None:
        raise ValueError("USER_RETIRE_LMS_MISC was sent without a saved user")
    lms_user_id = int(user.pk)
    status = _retirement_status_for(user)
    if status is not None:
        return {
            "lms_user_id": lms_user_id,
            "username": status.original_username,
            "email": status.original_email,
            "retired_username": status.retired_username or None,
            "retired_email": status.retired_email or None,
            "identity_source": IDENTITY_FROM_RETIREMENT_STATUS,
        }
    return {
        "lms_user_id": lms_user_id,
        "username": user.username,
        "email": user.email,
        "retired_username": _retired_value("get_retired_username_by_username", user.username, lms_user_id),
        "retired_email": _retired_value("get_retired_email_by_email", user.email, lms_user_id),
        "identity_source": IDENTITY_FROM_USER,
    }
