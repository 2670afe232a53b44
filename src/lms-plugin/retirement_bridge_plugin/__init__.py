"""Open edX LMS plugin that tells RetirementBridge about retired learners (see README.md)."""

__version__ = "0.1.0"
