"""Validation of any SCORM 1.2 / 2004 or IMS Common Cartridge 1.1 / 1.3 package, ours or not.

``validate_package(path)`` returns a :class:`Report`; the CLI only prints it.
"""

from .packages import validate_package
from .report import Problem, Report
from .schemas import SchemasNotFound

__all__ = ["Problem", "Report", "SchemasNotFound", "validate_package"]
