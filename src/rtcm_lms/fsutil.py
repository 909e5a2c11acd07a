"""Atomic file writes: a temporary name beside the target, fsync, rename. Never a half-written file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> str:
    """Write ``data`` to ``path`` atomically; return its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return hashlib.sha256(data).hexdigest()


def write_text_if_changed(path: Path, text: str) -> bool:
    """Atomic write that leaves an identical file alone; returns whether the file changed."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_bytes_atomic(path, text.encode("utf-8"))
    return True
