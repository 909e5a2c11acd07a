"""rtcm-lms: curriculum and quiz banks in, e-learning packages and a deployed Moodle out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rtcm-lms")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
