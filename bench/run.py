"""Build benchmark: six figures measured in one run on this machine, printed as a table and written as JSON.

    python3 bench/run.py            # every course (about a minute on 2 cores)
    python3 bench/run.py --quick    # a few courses, same six figures (CI)

Everything runs on a copy of content/ and quiz_banks/ in a temporary folder, through the command line
(`python -m rtcm_lms.cli`, so interpreter start-up counts as it does for a user). Each time is the best of
ROUNDS runs, interleaved (a busy moment slows every kind of run alike, and noise only ever adds time);
ratios compare runs made seconds apart on the same machine, so they travel better than seconds.
Goals come from issue 9. Exit 1 if a build fails or a one-topic edit rewrites another course's
artifacts; a missed speed goal is reported, and fails the run only with --strict.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLAYER = REPO / "scorm_templates" / "player"
TOOL = [sys.executable, "-m", "rtcm_lms.cli"]
MEDIA_SIZE = 1 << 30  # 1 GiB
ROUNDS = 5  # each figure is the best of this many runs
QUICK_COURSES = 24  # a third of the catalogue: fixed start-up costs still weigh more than in a full run
SUMMARY = re.compile(r"(\nsummary: (?:[|>][-+]?\n  )?)")  # the start of a course's summary text, any YAML style

# Peak RSS of the build that packs MEDIA_SIZE: the child's own figure, read by a small parent that has
# no other children (RUSAGE_CHILDREN keeps the largest descendant it has waited for).
RSS_PROBE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def tool(project: Path, *args: str) -> float:
    """Run one rtcm-lms command in ``project``; its wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run([*TOOL, *args], cwd=project, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench: `rtcm-lms {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")
    return seconds


def full_build(project: Path, selection: list[str], jobs: int) -> float:
    out = project / f"dist-jobs{jobs}"
    shutil.rmtree(out, ignore_errors=True)  # no record, no artifacts: everything is built
    return tool(project, "build", "--out", out.name, "--jobs", str(jobs), *selection)


def unpack(dist: Path, trees: Path) -> list[Path]:
    """Each artifact as the folder it was made from (a text export is a folder holding that file)."""
    folders = []
    for artifact in sorted(dist.iterdir()):
        if artifact.name.startswith(".") or artifact.name == "BUILD_NOTES.txt":
            continue
        folder = trees / artifact.name
        folder.mkdir(parents=True)
        if artifact.suffix in {".zip", ".imscc"}:
            with zipfile.ZipFile(artifact) as package:
                package.extractall(folder)
        else:
            shutil.copyfile(artifact, folder / artifact.name)
        folders.append(folder)
    return folders


def zip_trees(folders: list[Path], out: Path) -> float:
    """`zip -r -X` of every tree, one after another (zip uses one core); wall time in seconds."""
    started = time.perf_counter()
    for folder in folders:
        subprocess.run(["zip", "-q", "-r", "-X", str(out / f"{folder.name}.zip"), "."], cwd=folder, check=True)
    seconds = time.perf_counter() - started
    for made in out.iterdir():
        made.unlink()
    return seconds


def zip_all_at_once(trees: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["zip", "-q", "-r", "-X", str(out / "all.zip"), "."], cwd=trees, check=True)
    seconds = time.perf_counter() - started
    (out / "all.zip").unlink()
    return seconds


def state(dist: Path) -> dict[str, tuple[int, int]]:
    """Inode and mtime of every artifact: an atomic rewrite changes both."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in dist.iterdir() if not p.name.startswith(".")}


def course_folder(project: Path, course_id: str) -> Path:
    return next(p.parent for p in (project / "content").rglob("course.yaml") if p.parent.name == course_id)


def one_topic_edit(project: Path, dist: str, selection: list[str], course_id: str) -> tuple[float, list[str]]:
    """Reword one course (its summary gains a sentence) and rebuild: the time and what was rewritten."""
    course_file = course_folder(project, course_id) / "course.yaml"
    text = course_file.read_text(encoding="utf-8")
    course_file.write_text(SUMMARY.sub(r"\1Revised for the benchmark. ", text, count=1), encoding="utf-8")
    before = state(project / dist)
    seconds = tool(project, "build", "--out", dist, "--jobs", "2", *selection)
    after = state(project / dist)
    course_file.write_text(text, encoding="utf-8")
    rewritten = sorted(n for n, s in after.items() if before.get(n) != s and n != "BUILD_NOTES.txt")
    return seconds, rewritten


def peak_rss_mb(project: Path, course_id: str, media_bytes: int) -> float:
    """Peak RSS of a build of every format of ``course_id`` whose page links a ``media_bytes`` video."""
    folder = course_folder(project, course_id)
    page, media = folder / "lecture.md", folder / "media" / "lecture.mp4"
    out = project / f"dist-rss-{media_bytes}"
    if media_bytes:
        media.parent.mkdir(exist_ok=True)
        with media.open("wb") as handle:
            handle.truncate(media_bytes)  # sparse: see README "Benchmark"
        page.write_text("# Lecture\n\n[The recorded lecture](media/lecture.mp4)\n", encoding="utf-8")
    try:
        command = [*TOOL, "build", "--course", course_id, "--out", str(out), "--jobs", "2"]
        probe = subprocess.run([sys.executable, "-c", RSS_PROBE, *command], cwd=project, check=True,
                               capture_output=True, text=True)  # fmt: skip
        if media_bytes:
            with zipfile.ZipFile(out / f"{course_id}.scorm12.zip") as package:
                assert package.getinfo("media/lecture.mp4").file_size == media_bytes, "the video is not in the package"
        return int(probe.stdout.split()[-1]) * 1024 / 1e6  # ru_maxrss is in KiB on Linux
    finally:
        shutil.rmtree(out, ignore_errors=True)
        page.unlink(missing_ok=True)
        shutil.rmtree(media.parent, ignore_errors=True)


def player_gzip_kb() -> float:
    """player.js + player.css as a server would send them: each gzipped (level 9), in kB."""
    files = (PLAYER / "player.js", PLAYER / "player.css")
    return sum(len(gzip.compress(path.read_bytes(), 9, mtime=0)) for path in files) / 1e3


def courses_of(project: Path) -> tuple[list[str], set[str]]:
    """Course ids in catalogue order, and those that have a quiz bank."""
    from rtcm_lms.project import load_project

    catalogue = load_project(project / "content")
    return [c.id for c in catalogue.courses], {b.course for b in catalogue.banks}


def measure(project: Path, quick: bool) -> dict:
    ids, banked = courses_of(project)
    chosen = ids[:QUICK_COURSES] if quick else ids
    selection = [arg for cid in chosen for arg in ("--course", cid)] if quick else []
    edited = next(cid for cid in chosen if cid in banked)
    incremental = ["build", "--out", "dist-jobs2", "--jobs", "2", *selection]

    full_build(project, selection, 2)  # warm-up (compiled bytecode, page cache), not counted
    dist = project / "dist-jobs2"
    artifacts = len(state(dist)) - 1  # BUILD_NOTES.txt
    size = sum(p.stat().st_size for p in dist.iterdir() if not p.name.startswith("."))
    times: dict[str, list[float]] = {k: [] for k in ("jobs2", "jobs1", "noop", "edit", "zip_each", "zip_once",
                                                     "startup")}  # fmt: skip
    rewritten_per_round = []
    with tempfile.TemporaryDirectory(dir=project) as scratch:
        trees, out = Path(scratch) / "trees", Path(scratch) / "zips"
        out.mkdir()
        folders = unpack(dist, trees)
        for _ in range(ROUNDS):  # interleaved, so that a busy moment slows every kind of run alike
            times["jobs2"].append(full_build(project, selection, 2))
            times["noop"].extend(tool(project, *incremental) for _ in range(3))
            times["startup"].append(tool(project, "--version"))  # Python, the package and click: any command pays it
            seconds, rewritten = one_topic_edit(project, dist.name, selection, edited)
            times["edit"].append(seconds)
            rewritten_per_round.append(rewritten)
            tool(project, *incremental)  # back to the unedited state
            times["jobs1"].append(full_build(project, selection, 1))
            times["zip_each"].append(zip_trees(folders, out))
            times["zip_once"].append(zip_all_at_once(trees, out))
    best = {k: round(min(v), 3) for k, v in times.items()}  # noise only ever adds time
    strays = [names for names in rewritten_per_round if not all(n.startswith(edited + ".") for n in names)]
    rewritten = (strays or rewritten_per_round)[0]  # a round that rewrote another course's files, if any
    rss_plain = peak_rss_mb(project, edited, 0)
    rss_media = peak_rss_mb(project, edited, MEDIA_SIZE)
    return {
        "courses": len(chosen), "artifacts": artifacts, "output_mb": round(size / 1e6, 1), "rounds": ROUNDS,
        "full_build_jobs2_s": best["jobs2"], "full_build_jobs1_s": best["jobs1"],
        "zip_each_tree_s": best["zip_each"], "zip_all_trees_at_once_s": best["zip_once"],
        "noop_s": best["noop"], "startup_s": best["startup"], "edited_course": edited, "edit_rebuild_s": best["edit"],
        "edit_rewritten": rewritten, "peak_rss_mb_without_media": round(rss_plain, 1),
        "peak_rss_mb_with_1gib_media": round(rss_media, 1), "player_gzip_kb": round(player_gzip_kb(), 1),
        "all_times_s": {k: [round(t, 3) for t in v] for k, v in times.items()},
    }  # fmt: skip


def figures(m: dict) -> list[tuple[str, str, str, bool]]:
    """(figure, measured, goal, met) for the six figures of issue 9."""
    only_edited = bool(m["edit_rewritten"]) and all(n.startswith(m["edited_course"] + ".") for n in m["edit_rewritten"])
    full_vs_zip = m["full_build_jobs2_s"] / m["zip_each_tree_s"]
    noop = m["noop_s"] / m["full_build_jobs2_s"]
    speedup = m["full_build_jobs1_s"] / m["full_build_jobs2_s"]
    return [
        ("1 full build vs zip -r -X of the same trees",
         f"{m['full_build_jobs2_s']:.2f} s vs {m['zip_each_tree_s']:.2f} s = {full_vs_zip:.2f}x "
         f"(--jobs 1: {m['full_build_jobs1_s'] / m['zip_each_tree_s']:.2f}x)", "<= 1.5x", full_vs_zip <= 1.5),
        ("2 no-op rebuild vs full build",
         f"{m['noop_s']:.3f} s = {noop:.1%} (start-up {m['startup_s']:.3f} s; the check itself "
         f"{(m['noop_s'] - m['startup_s']) / m['full_build_jobs2_s']:.1%})", "<= 5 %", noop <= 0.05),
        ("3 one-topic edit: rewritten, time vs full",
         f"{len(m['edit_rewritten'])} files, all {m['edited_course']}'s: {'yes' if only_edited else 'NO'}; "
         f"{m['edit_rebuild_s']:.2f} s = {m['edit_rebuild_s'] / m['full_build_jobs2_s']:.1%}",
         "only that course's", only_edited),
        ("4 peak RSS, build with a 1 GiB video",
         f"{m['peak_rss_mb_with_1gib_media']:.0f} MB (without the video: {m['peak_rss_mb_without_media']:.0f} MB)",
         "<= 150 MB", m["peak_rss_mb_with_1gib_media"] <= 150),
        ("5 --jobs 2 vs --jobs 1",
         f"{m['full_build_jobs1_s']:.2f} s / {m['full_build_jobs2_s']:.2f} s = {speedup:.2f}x",
         ">= 1.6x", speedup >= 1.6),
        ("6 player.js + player.css gzipped", f"{m['player_gzip_kb']:.1f} kB", "<= 30 kB", m["player_gzip_kb"] <= 30),
    ]  # fmt: skip


def print_table(rows: list[tuple[str, str, str, bool]], m: dict, quick: bool) -> None:
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"rtcm-lms benchmark ({'quick: ' if quick else ''}{m['courses']} courses, {m['artifacts']} files, "
          f"{m['output_mb']} MB; {os.cpu_count()} CPUs, Python {platform.python_version()})")  # fmt: skip
    if quick:
        print("(quick: start-up and loading the whole catalogue weigh more in ratios 1, 2 and 5 than in a full run)")
    for name, value, goal, met in rows:
        print(f"{name:<{width[0]}}  {value:<{width[1]}}  {goal:<{width[2]}}  {'ok' if met else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only the first {QUICK_COURSES} courses (CI)")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results.json", help="where to write results")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    if not shutil.which("zip"):
        sys.exit("bench: `zip` is not installed (apt-get install zip): it is the reference")
    with tempfile.TemporaryDirectory(prefix="rtcm-bench-") as tmp:
        project = Path(tmp)
        for folder in ("content", "quiz_banks"):
            shutil.copytree(REPO / folder, project / folder)
        m = measure(project, args.quick)
    rows = figures(m)
    print_table(rows, m, args.quick)
    result = {"mode": "quick" if args.quick else "full", "cpus": os.cpu_count(), "python": platform.python_version(),
              "measured": m, "figures": [dict(zip(("figure", "value", "goal", "met"), r, strict=True)) for r in rows]}
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.json}")
    if not rows[2][3]:
        print("bench: the one-topic edit rewrote other courses' artifacts", file=sys.stderr)
        return 1
    return 1 if args.strict and not all(r[3] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
