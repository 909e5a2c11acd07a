"""Command line: commands only, no logic. Exit codes: 0 ok, 1 content/package error, 2 usage error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .content.yamlio import ContentError

CONTENT_OPTION = click.option(
    "--content", "content_dir", type=click.Path(path_type=Path), default=Path("content"), show_default=True,
    help="Folder with the course content (YAML + Markdown).",
)  # fmt: skip


def fail(problems: list[str], summary: str) -> None:
    for problem in problems:
        click.echo(problem, err=True)
    click.secho(summary, fg="red", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rtcm-lms")
def main() -> None:
    """Build e-learning packages from the RTCM curriculum and push them to Moodle."""


@main.command("import-seeds")
@click.argument("seeds", type=click.Path(path_type=Path, file_okay=False), default=Path("../shared/seeds"))
@click.option("--out", type=click.Path(path_type=Path), default=Path("content"), show_default=True,
              help="Where to write the content tree.")  # fmt: skip
@click.option("--quiet", is_flag=True, help="Do not print the import log.")
def import_seeds_command(seeds: Path, out: Path, quiet: bool) -> None:
    """Regenerate content/ from the seed texts (idempotent), printing what was repaired or assumed."""
    from .content.writer import write_catalogue
    from .importers.seeds import SeedError, import_seeds

    try:
        catalogue, log = import_seeds(seeds)
    except (SeedError, OSError, UnicodeDecodeError) as exc:
        fail([f"{seeds}: {exc}"], "import failed; nothing was written")
    sources = {"emm": next((f for f, *_ in log.entries if f.startswith("004")), "004")}
    changed = write_catalogue(catalogue, out, sources, log.render())
    if not quiet:
        click.echo(log.render(), nl=False)
    repairs = sum(1 for e in log.entries if e[2] == "repair")
    warnings = sum(1 for e in log.entries if e[2] == "warning")
    click.echo(
        f"{len(catalogue.modules)} modules, {len(catalogue.courses)} courses; {repairs} repairs, {warnings} warnings;"
        f" {len(changed)} files changed in {out}/"
    )


@main.command()
@CONTENT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the whole catalogue as JSON.")
@click.argument("course_ids", nargs=-1)
def inspect(content_dir: Path, as_json: bool, course_ids: tuple[str, ...]) -> None:
    """Show the catalogue (or the named courses) as loaded from content/."""
    from .inspect_view import catalogue_json, print_catalogue

    catalogue = load_or_fail(content_dir)
    unknown = [c for c in course_ids if catalogue.course(c) is None]
    if unknown:
        raise click.UsageError(f"unknown course id(s): {', '.join(unknown)}")
    if as_json:
        click.echo(json.dumps(catalogue_json(catalogue, course_ids), ensure_ascii=False, indent=2))
    else:
        print_catalogue(catalogue, course_ids)


@main.command()
@CONTENT_OPTION
@click.argument("packages", nargs=-1, type=click.Path(path_type=Path))
def validate(content_dir: Path, packages: tuple[Path, ...]) -> None:
    """Check content/ (no arguments) or the given package files (.zip, .imscc)."""
    if packages:
        validate_packages(packages)
        return
    catalogue = load_or_fail(content_dir)
    missing = [c.id for c in catalogue.courses if catalogue.bank(c.id) is None]
    click.secho(f"{content_dir}/ and quiz_banks/ are valid: {len(catalogue.modules)} modules, "
                f"{len(catalogue.courses)} courses, {len(catalogue.banks)} quiz banks", fg="green")  # fmt: skip
    if missing:
        click.secho(f"{len(missing)} course(s) have no quiz bank yet: {', '.join(missing)}", fg="yellow")


@main.command("coverage")
@CONTENT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the coverage as JSON.")
@click.argument("course_ids", nargs=-1)
def coverage_command(content_dir: Path, as_json: bool, course_ids: tuple[str, ...]) -> None:
    """Each learning outcome and the questions that assess it; exit 1 if any course falls short."""
    from rich.console import Console
    from rich.table import Table

    from .quiz.coverage import MIN_PER_OUTCOME, coverage

    catalogue = load_or_fail(content_dir)
    unknown = [c for c in course_ids if catalogue.course(c) is None]
    if unknown:
        raise click.UsageError(f"unknown course id(s): {', '.join(unknown)}")
    report = coverage(catalogue, course_ids)
    if as_json:
        click.echo(json.dumps([{"course": r.course, "outcomes": r.outcomes, "questions": r.questions,
                                "types": list(r.types), "problems": r.problems} for r in report], indent=2))
    else:
        console = Console()
        for r in report:
            table = Table(title=f"{r.course}: {r.questions} questions, types {', '.join(r.types) or '-'}")
            table.add_column("outcome")
            table.add_column("questions")
            for oid, questions in r.outcomes.items():
                style = "red" if len(questions) < MIN_PER_OUTCOME else ""
                table.add_row(oid, ", ".join(questions) or "none", style=style)
            console.print(table)
            for problem in r.problems:
                console.print(f"[red]{r.course}: {problem}[/]")
    short = [r for r in report if r.problems]
    if short:
        fail([], f"{len(short)} of {len(report)} course(s) fall short of the coverage rules")
    click.secho(f"all {len(report)} course(s) meet the coverage rules", fg="green", err=True)


@main.command()
@CONTENT_OPTION
@click.option("--format", "formats", multiple=True, help="Format to build (repeatable; default: all). "
              "One of scorm12, scorm2004, cc11, cc13, moodlexml, gift, qti12.")  # fmt: skip
@click.option("--course", "course_ids", multiple=True, help="Course id to build (repeatable; default: all).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("dist"), show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Parallel workers (default: CPU count).")
@click.option("--version-label", default=__version__, show_default=True, help="Version written into packages.")
@click.option("--force", is_flag=True, help="Rebuild everything, even what is up to date.")
def build(content_dir, formats, course_ids, out, jobs, version_label, force) -> None:
    """Build packages and exports into dist/ (every format of every course by default)."""
    import os

    from .build import build as run_build
    from .builders.registry import BUILDERS
    from .package import PackageError
    from .progress import BuildProgress

    unknown = [f for f in formats if f not in BUILDERS]
    if unknown:
        raise click.UsageError(f"unknown format(s): {', '.join(unknown)}; known: {', '.join(BUILDERS)}")
    catalogue = load_or_fail(content_dir)
    missing = [c for c in course_ids if catalogue.course(c) is None]
    if missing:
        raise click.UsageError(f"unknown course id(s): {', '.join(missing)}")
    with BuildProgress() as progress:
        try:
            result = run_build(catalogue, list(formats or BUILDERS), list(course_ids), out, version_label,
                               jobs or os.cpu_count() or 1, progress.start, progress.advance, force)  # fmt: skip
        except PackageError as exc:
            fail([str(exc)], "build stopped; no partial file was left behind")
    if result.notes:
        click.secho(f"{len(result.notes)} note(s) on what some formats cannot express, e.g. {result.notes[0]}"
                    " (all in dist/BUILD_NOTES.txt)", fg="yellow")  # fmt: skip
        (out / "BUILD_NOTES.txt").write_text("\n".join(result.notes) + "\n", encoding="utf-8")
    if result.skipped:
        click.secho(f"skipped {len(result.skipped)} exports of courses without a quiz bank "
                    f"(e.g. {result.skipped[0]})", fg="yellow")  # fmt: skip
    rebuilt = result.rebuilt
    size = sum(a.size for a in rebuilt)
    if not rebuilt:
        click.echo(f"nothing to do: all {len(result.artifacts)} files in {out}/ are up to date ({result.seconds:.2f} s)")
        return
    click.echo(f"built {len(rebuilt)} files ({size / 1e6:.1f} MB) for {len({a.course for a in rebuilt})} courses "
               f"into {out}/ in {result.seconds:.1f} s; {len(result.artifacts) - len(rebuilt)} up to date")


@main.command()
@CONTENT_OPTION
@click.option("--url", envvar="RTCM_MOODLE_URL", required=True, help="Moodle site URL (or RTCM_MOODLE_URL).")
@click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="File holding the web-service token (else RTCM_MOODLE_TOKEN).")  # fmt: skip
@click.option("--dist", type=click.Path(path_type=Path, file_okay=False), default=Path("dist"), show_default=True,
              help="Folder with the built packages (rtcm-lms build).")  # fmt: skip
@click.option("--course", "course_ids", multiple=True, help="Push only these courses (repeatable).")
@click.option("--release", default=__version__, show_default=True, help="Release label recorded in Moodle.")
@click.option("--dry-run", is_flag=True, help="Print the plan and change nothing.")
@click.option("--ca-bundle", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="CA bundle for a site with a private certificate authority.")  # fmt: skip
def push(content_dir, url, token_file, dist, course_ids, release, dry_run, ca_bundle) -> None:
    """Create or update categories, courses, sections, SCORM activities and question banks in Moodle."""
    from .moodle import Client, MoodleError
    from .moodle.deploy import Deployer, describe
    from .moodle.desired import desired_state

    token = read_token(token_file)
    catalogue = load_or_fail(content_dir)
    unknown = [c for c in course_ids if catalogue.course(c) is None]
    if unknown:
        raise click.UsageError(f"unknown course id(s): {', '.join(unknown)}")
    desired = desired_state(catalogue, dist, release, list(course_ids))
    missing = [c.idnumber for c in desired.courses if c.scorm is None]
    if missing:
        fail([f"{dist}/{c}.scorm12.zip: not built" for c in missing[:5]], "run `rtcm-lms build` first")
    try:
        with Client(url, token, ca_bundle=str(ca_bundle) if ca_bundle else None) as client:
            deployer = Deployer(client, desired)
            plan = deployer.plan()
            for line in describe(plan):
                click.echo(line)
            if plan.blocked:
                click.secho(f"{len(plan.blocked)} step(s) cannot be done with this site: {plan.blocked[0].detail}",
                            fg="yellow", err=True)  # fmt: skip
            if dry_run:
                click.echo("dry run: nothing changed")
            elif plan.is_noop():
                click.echo("Moodle is up to date: nothing to do")
            else:
                deployer.apply(plan, lambda a: click.echo(f"done    {a.target}"))
                click.secho(f"pushed release {release}: {len(plan.actions) - len(plan.blocked)} change(s), "
                            f"{plan.upload_bytes} bytes uploaded", fg="green")  # fmt: skip
    except MoodleError as exc:
        fail([str(exc)], "push stopped; run it again to finish (nothing is created twice)")
    if plan.blocked and not dry_run:
        sys.exit(1)


@main.command()
@CONTENT_OPTION
@click.argument("course_id")
@click.option("--standard", type=click.Choice(["scorm12", "scorm2004"]), default="scorm12", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port on 127.0.0.1 (default: any free one).")
@click.option("--no-open", is_flag=True, help="Print the URL without opening a browser.")
def preview(content_dir, course_id, standard, port, no_open) -> None:
    """Serve a course on 127.0.0.1 with a mock LMS that shows what it would receive (Ctrl-C stops)."""
    import time
    import webbrowser

    from .preview import PreviewServer

    catalogue = load_or_fail(content_dir)
    course = catalogue.course(course_id)
    if course is None:
        raise click.UsageError(f"unknown course id: {course_id}")
    with PreviewServer(catalogue, course, standard, f"{__version__}-preview", port) as server:
        click.echo(f"previewing {course.id} ({standard}) at {server.url} — Ctrl-C to stop")
        if not no_open:
            webbrowser.open(server.url)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("preview stopped")


def read_token(token_file: Path | None) -> str:
    """The token comes from a file or the environment, never from the command line (shell history)."""
    import os

    if token_file:
        token = token_file.read_text(encoding="utf-8").strip()
    else:
        token = os.environ.get("RTCM_MOODLE_TOKEN", "").strip()
    if not token:
        raise click.UsageError("no token: pass --token-file FILE or set RTCM_MOODLE_TOKEN")
    return token


def load_or_fail(content_dir: Path):
    from .project import load_project

    try:
        return load_project(content_dir)
    except ContentError as exc:
        fail(exc.problems, f"{len(exc.problems)} problem(s) in {content_dir}/ or quiz_banks/")


def validate_packages(paths: tuple[Path, ...]) -> None:
    from .validate import validate_package
    from .validate.schemas import SchemasNotFound

    errors = 0
    for path in paths:
        try:
            report = validate_package(path)
        except SchemasNotFound as exc:
            fail([str(exc)], "cannot validate packages without the official schemas")
        for problem in report.problems:
            click.echo(str(problem), err=problem.severity == "error")
        errors += sum(1 for p in report.problems if p.severity == "error")
        status = click.style("ok", fg="green") if report.ok else click.style("INVALID", fg="red")
        click.echo(f"{path}: {report.kind}: {status}")
    if errors:
        fail([], f"{errors} error(s) in {len(paths)} package(s)")


if __name__ == "__main__":  # pragma: no cover
    main()
