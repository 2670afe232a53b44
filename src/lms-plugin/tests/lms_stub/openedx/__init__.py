"""Test stand-in for part of edx-platform (not the real LMS)."""
