"""Test stand-in for openedx.core.djangoapps.user_api (only the retirement models)."""
