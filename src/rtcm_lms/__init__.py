"""rtcm-lms: curriculum and quiz banks in, e-learning packages and a deployed Moodle out."""

# A literal, not importlib.metadata: every command starts faster (pyproject reads it from here).
__version__ = "0.1.0"
