"""package.write_package: reproducible bytes, order, atomicity, path refusals, flat memory."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from rtcm_lms import package
from rtcm_lms.package import PackageError, build_date_time, write_package


def _make_sources(root: Path, mtime: int, umask: int) -> dict[str, Path | str | bytes]:
    old = os.umask(umask)
    try:
        (root / "media").mkdir(parents=True)
        (root / "index.html").write_text("<html><body>hello</body></html>\n" * 50)
        (root / "media" / "clip.mp4").write_bytes(bytes(range(256)) * 400)
        (root / "z.js").write_text("console.log('z');\n")
    finally:
        os.umask(old)
    for path in root.rglob("*"):
        os.utime(path, (mtime, mtime))
    return {
        "z.js": root / "z.js",
        "media/clip.mp4": root / "media" / "clip.mp4",
        "index.html": root / "index.html",
        "imsmanifest.xml": "<manifest identifier='M'/>\n",
        "data/é.txt": b"bytes source\n",
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_inputs_give_same_bytes_across_dirs_mtimes_umask_and_timezone(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = write_package(tmp_path / "a.zip", _make_sources(tmp_path / "a", 1_000_000_000, 0o022))

    # Second build in another process: other folder, mtimes, umask and time zone.
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from test_package import _make_sources
        from rtcm_lms.package import write_package
        root = Path({str(tmp_path / "b")!r})
        result = write_package(root.parent / "b.zip", _make_sources(root, 1_700_000_123, 0o077))
        print(result.sha256)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | {"TZ": "Asia/Kolkata"}
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)

    assert out.stdout.strip() == first.sha256
    assert _sha256(tmp_path / "b.zip") == first.sha256
    assert _sha256(tmp_path / "a.zip") == first.sha256
    assert first.size == (tmp_path / "a.zip").stat().st_size


def test_entries_are_manifest_first_then_sorted_with_pinned_metadata(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = write_package(tmp_path / "p.zip", _make_sources(tmp_path / "src", 1_234_567_890, 0o022))

    with zipfile.ZipFile(result.path) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == [
            "imsmanifest.xml", "data/é.txt", "index.html", "media/clip.mp4", "z.js",
        ]
        assert zf.testzip() is None
        assert zf.read("index.html") == (tmp_path / "src" / "index.html").read_bytes()
    for info in infos:
        assert info.date_time == (2000, 1, 1, 0, 0, 0)
        assert info.external_attr >> 16 == 0o100644
        assert info.create_system == 3
        assert info.extra == b""
        assert info.compress_type == zipfile.ZIP_DEFLATED
    assert (tmp_path / "p.zip").stat().st_mode & 0o777 == 0o644


def test_caller_names_required_first_entries(tmp_path):
    entries = {"b.txt": "b", "mimetype": "application/zip", "a.txt": "a", "imsmanifest.xml": "<m/>"}
    result = write_package(tmp_path / "p.zip", entries, first=("mimetype", "imsmanifest.xml"))
    with zipfile.ZipFile(result.path) as zf:
        assert zf.namelist() == ["mimetype", "imsmanifest.xml", "a.txt", "b.txt"]

    with pytest.raises(PackageError, match="required first entry 'imsmanifest.xml' is missing"):
        write_package(tmp_path / "q.zip", {"a.txt": "a"})


def test_source_date_epoch_sets_every_timestamp(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")  # 2023-11-14 22:13:21 UTC
    result = write_package(tmp_path / "p.zip", {"imsmanifest.xml": "<m/>", "a.txt": "a"})
    with zipfile.ZipFile(result.path) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}

    assert build_date_time({"SOURCE_DATE_EPOCH": "0"}) == (1980, 1, 1, 0, 0, 0)
    with pytest.raises(PackageError, match="SOURCE_DATE_EPOCH must be an integer"):
        build_date_time({"SOURCE_DATE_EPOCH": "yesterday"})


def test_failure_midway_leaves_no_temp_file_and_old_artifact_intact(tmp_path, monkeypatch):
    dest = tmp_path / "course.zip"
    dest.write_bytes(b"previous release")
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(3 * package.CHUNK_SIZE))
    real_read = package._read_chunks

    def interrupted(arcname, path, size):
        chunks = real_read(arcname, path, size)
        yield next(chunks)
        raise KeyboardInterrupt

    monkeypatch.setattr(package, "_read_chunks", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_package(dest, {"imsmanifest.xml": "<m/>", "big.bin": big})

    assert dest.read_bytes() == b"previous release"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.bin", "course.zip"]


def test_source_that_changes_size_while_packaging_fails_cleanly(tmp_path, monkeypatch):
    src = tmp_path / "grows.txt"
    src.write_text("short")
    real_read = package._read_chunks

    def growing(arcname, path, size):
        path.write_text("much longer than before")
        yield from real_read(arcname, path, size)

    monkeypatch.setattr(package, "_read_chunks", growing)
    with pytest.raises(PackageError, match="'grows.txt' changed size while packaging"):
        write_package(tmp_path / "p.zip", {"imsmanifest.xml": "<m/>", "grows.txt": src})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grows.txt"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/etc/passwd", "is absolute"),
        ("C:/x.txt", "is absolute"),
        ("a/../../x.txt", "contains '..'"),
        ("..", "contains '..'"),
        ("a\\b.txt", "contains a backslash"),
        ("a//b.txt", "empty or '.' component"),
        ("./a.txt", "empty or '.' component"),
        ("dir/", "empty or '.' component"),
        ("", "non-empty string"),
        ("a\nb", "control character"),
        ("cafe\u0301.txt", "not in Unicode NFC form"),
    ],
)
def test_unsafe_archive_paths_are_refused(tmp_path, name, message):
    with pytest.raises(PackageError, match=message):
        write_package(tmp_path / "p.zip", [("imsmanifest.xml", "<m/>"), (name, "x")])
    assert list(tmp_path.iterdir()) == []


def test_duplicate_paths_are_refused(tmp_path):
    with pytest.raises(PackageError, match="duplicate archive path 'a.txt'"):
        write_package(tmp_path / "p.zip", [("imsmanifest.xml", "<m/>"), ("a.txt", "1"), ("a.txt", "2")])
    with pytest.raises(PackageError, match="'A.txt' and 'a.txt' differ only in case"):
        write_package(tmp_path / "p.zip", [("imsmanifest.xml", "<m/>"), ("A.txt", "1"), ("a.txt", "2")])


def test_symlink_out_of_allowed_root_is_refused_by_name(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("token")
    (root / "inside.txt").write_text("ok")
    (root / "ok-link.txt").symlink_to(root / "inside.txt")
    (root / "leak.txt").symlink_to(secret)

    fine = {"imsmanifest.xml": "<m/>", "a.txt": root / "ok-link.txt", "b.txt": root / "inside.txt"}
    write_package(tmp_path / "ok.zip", fine, allowed_root=root)

    with pytest.raises(PackageError) as err:
        write_package(tmp_path / "p.zip", {"imsmanifest.xml": "<m/>", "l.txt": root / "leak.txt"},
                      allowed_root=root)
    assert "leak.txt" in str(err.value)
    assert "symlink" in str(err.value)
    assert "outside the allowed root" in str(err.value)
    assert not (tmp_path / "p.zip").exists()


def test_missing_destination_folder_is_refused(tmp_path):
    with pytest.raises(PackageError, match="destination folder .*nope does not exist"):
        write_package(tmp_path / "nope" / "p.zip", {"imsmanifest.xml": "<m/>"})


def test_missing_and_non_regular_sources_are_refused(tmp_path):
    with pytest.raises(PackageError, match="source of 'a.txt' does not exist"):
        write_package(tmp_path / "p.zip", {"imsmanifest.xml": "<m/>", "a.txt": tmp_path / "nope"})
    with pytest.raises(PackageError, match="source of 'd' is not a regular file"):
        write_package(tmp_path / "p.zip", {"imsmanifest.xml": "<m/>", "d": tmp_path})


MEMORY_PROBE = """
import resource, sys, tempfile
from pathlib import Path
from rtcm_lms.package import write_package

def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    small = tmp / "small.bin"
    small.write_bytes(b"x" * 1000)
    write_package(tmp / "warm.zip", {"imsmanifest.xml": "<m/>", "a.bin": small})  # warm imports
    big = tmp / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: costs no disk, reads as zeros
    before = peak_kib()
    result = write_package(tmp / "big.zip", {"imsmanifest.xml": "<m/>", "media/big.bin": big})
    print(peak_kib() - before, result.size)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is KiB on Linux only")
def test_large_file_streams_with_flat_memory():
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE], check=True, capture_output=True, text=True)
    grown_kib, zip_size = map(int, out.stdout.split())
    assert zip_size > 0
    assert grown_kib < 30 * 1024, f"peak RSS grew by {grown_kib} KiB while packaging a 200 MB file"
