"""Stand-in for openedx.core.djangoapps.user_api.accounts.signals."""
from django.dispatch import Signal

# Sent by LMSAccountRetirementView ("retire misc" step) with one kwarg: user.
USER_RETIRE_LMS_MISC = Signal()
