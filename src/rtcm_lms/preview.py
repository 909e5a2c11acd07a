"""``rtcm-lms preview``: a course's SCORM package served on 127.0.0.1 beside a mock LMS API, so an
author sees what a learner sees and what the LMS would receive. Nothing is zipped or uploaded."""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
from pathlib import Path

from .builders.base import BuildContext
from .builders.scorm12 import Scorm12Builder
from .builders.scorm2004 import Scorm2004Builder
from .model import Catalogue, Course
from .render import TEMPLATES_DIR, render_template

BUILDERS = {"scorm12": Scorm12Builder(), "scorm2004": Scorm2004Builder()}


def write_preview(catalogue: Catalogue, course: Course, standard: str, folder: Path, version: str) -> None:
    """The package's files under ``folder/sco/``, the host page and the mock API beside them."""
    entries = BUILDERS[standard].entries(BuildContext(catalogue, folder, version), course)
    for name, source in entries.items():
        target = folder / "sco" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copyfile(source, target)
        else:
            target.write_bytes(source.encode("utf-8") if isinstance(source, str) else source)
    (folder / "index.html").write_text(
        render_template("preview/host.html.j2", title=course.full_title, standard=standard, course_id=course.id),
        encoding="utf-8",
    )
    shutil.copyfile(TEMPLATES_DIR / "preview" / "mock-lms.js", folder / "mock-lms.js")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class PreviewServer:
    """Serves a preview folder on 127.0.0.1 only, in a background thread."""

    def __init__(self, catalogue: Catalogue, course: Course, standard: str, version: str, port: int = 0):
        self.folder = Path(tempfile.mkdtemp(prefix=f"rtcm-preview-{course.id}-"))
        write_preview(catalogue, course, standard, self.folder, version)
        handler = functools.partial(_QuietHandler, directory=str(self.folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/index.html"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> PreviewServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.folder, ignore_errors=True)
