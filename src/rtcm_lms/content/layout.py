"""Where each kind of content lives under ``content/`` (one place, so loader and writer agree)."""

from __future__ import annotations

from pathlib import Path

CATALOGUE_FILE = "catalogue.yaml"
EMM_FILE = "emm.yaml"
MODULES_DIR = "modules"
COURSES_DIR = "courses"  # stand-alone courses that belong to no module
MODULE_FILE = "module.yaml"
COURSE_FILE = "course.yaml"
IMPORT_LOG = "IMPORT_LOG.txt"


def module_dir(root: Path, module_id: str) -> Path:
    return root / MODULES_DIR / module_id


def course_dir(root: Path, course_id: str, module_id: str | None) -> Path:
    if module_id:
        return module_dir(root, module_id) / course_id
    return root / COURSES_DIR / course_id
