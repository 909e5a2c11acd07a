"""Command line: commands only, no logic. Exit codes: 0 ok, 1 content/package error, 2 usage error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__

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
    require_courses(catalogue, course_ids)
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
    require_courses(catalogue, course_ids)
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
    from .build import ProjectBuild
    from .fsutil import write_text_if_changed

    request = ProjectBuild(content_dir, list(formats), list(course_ids), out, version_label)
    result = None if force else request.unchanged()  # same inputs as the last build: nothing is loaded
    if result is None:
        import os

        from .build import registry
        from .package import PackageError
        from .progress import BuildProgress

        unknown = [f for f in formats if f not in registry()]
        if unknown:
            raise click.UsageError(f"unknown format(s): {', '.join(unknown)}; known: {', '.join(registry())}")
        catalogue = load_or_fail(content_dir)
        require_courses(catalogue, course_ids)
        with BuildProgress() as progress:
            try:
                result = request.run(catalogue, jobs or os.cpu_count() or 1, progress.start, progress.advance, force)
            except PackageError as exc:
                fail([str(exc)], "build stopped; no partial file was left behind")
    if result.notes:
        click.secho(f"{len(result.notes)} note(s) on what some formats cannot express, e.g. {result.notes[0]}"
                    " (all in dist/BUILD_NOTES.txt)", fg="yellow")  # fmt: skip
        write_text_if_changed(out / "BUILD_NOTES.txt", "\n".join(result.notes) + "\n")
    if result.skipped:
        click.secho(f"skipped {len(result.skipped)} exports of courses without a quiz bank "
                    f"(e.g. {result.skipped[0]})", fg="yellow")  # fmt: skip
    rebuilt = result.rebuilt
    size = sum(a.size for a in rebuilt)
    if not rebuilt:
        click.echo(f"nothing to do: all {len(result.artifacts)} files in {out}/ are up to date "
                   f"({result.seconds:.2f} s)")  # fmt: skip
        return
    click.echo(f"built {len(rebuilt)} files ({size / 1e6:.1f} MB) for {len({a.course for a in rebuilt})} courses "
               f"into {out}/ in {result.seconds:.1f} s; {len(result.artifacts) - len(rebuilt)} up to date")


@main.command()
@CONTENT_OPTION
@click.option("--url", envvar="RTCM_MOODLE_URL", help="Moodle site URL (else RTCM_MOODLE_URL, else rtcm-lms.yml).")
@click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="File holding the web-service token (else RTCM_MOODLE_TOKEN, else rtcm-lms.yml).")  # fmt: skip
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

    url, token = moodle_access(url, token_file)
    catalogue = load_or_fail(content_dir)
    require_courses(catalogue, course_ids)
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


@main.command("release")
@CONTENT_OPTION
@click.argument("version")
@click.option("--notes", "notes_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Text (Markdown) for this release's changelog entry.")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("releases"), show_default=True,
              help="Folder of releases: VERSION/ is made inside it, CHANGELOG.md is updated.")  # fmt: skip
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Parallel workers (default: CPU count).")
def release_command(content_dir, version, notes_file, out, jobs) -> None:
    """Build every format of every course into OUT/VERSION/ with release.json, SHA256SUMS and a changelog entry."""
    import os

    from .progress import BuildProgress
    from .release import ReleaseError, check_new_version, make_release

    try:
        check_new_version(version, out)  # before loading anything
        notes = notes_file.read_text(encoding="utf-8") if notes_file else ""
    except ReleaseError as exc:
        fail([str(exc)], "no release was made")
    except UnicodeDecodeError:
        fail([f"{notes_file}: not UTF-8 text; save the notes as UTF-8"], "no release was made")
    catalogue = load_or_fail(content_dir)
    with BuildProgress() as progress:
        try:
            made = make_release(catalogue, version, out, notes, jobs or os.cpu_count() or 1, progress.start,
                                progress.advance)  # fmt: skip
        except ReleaseError as exc:
            fail([str(exc)], "no release was made")
    size = sum(a["size"] for a in made.data["artifacts"])
    changes = made.changes
    since = (f"since {changes.since}: {len(changes.added)} added, {len(changes.changed)} changed, "
             f"{len(changes.removed)} removed" if changes.since else "first release")  # fmt: skip
    click.secho(f"released {version}: {len(made.data['artifacts'])} files ({size / 1e6:.1f} MB) in {made.path}/ "
                f"in {made.seconds:.1f} s; {since}; changelog in {out / 'CHANGELOG.md'}", fg="green")  # fmt: skip


@main.command("verify")
@CONTENT_OPTION
@click.argument("release_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Parallel workers (default: CPU count).")
def verify_command(content_dir, release_dir, jobs) -> None:
    """Rebuild a release from content/ and check every file's sha256 against its release.json."""
    import os

    from .progress import BuildProgress
    from .release import ReleaseError, read_release, verify_release

    try:
        read_release(release_dir)  # before loading anything
    except ReleaseError as exc:
        fail([str(exc)], "nothing was verified")
    catalogue = load_or_fail(content_dir)
    with BuildProgress() as progress:
        checked = verify_release(catalogue, release_dir, jobs or os.cpu_count() or 1, progress.start,
                                 progress.advance)  # fmt: skip
    if checked.release_tool != __version__:
        click.secho(f"note: release {checked.version} was made by rtcm-lms {checked.release_tool}, this is "
                    f"{__version__}; a different tool version may build different bytes",
                    fg="yellow", err=True)  # fmt: skip
    if checked.mismatches:
        summary = f"release {checked.version}: {len(checked.mismatches)} mismatch(es) in {checked.checked} files"
        fail([str(m) for m in checked.mismatches], summary)
    click.secho(f"release {checked.version} verified: all {checked.checked} files rebuilt byte for byte", fg="green")


@main.command()
@CONTENT_OPTION
@click.option("--url", envvar="RTCM_MOODLE_URL", help="Moodle site URL (else RTCM_MOODLE_URL, else rtcm-lms.yml).")
@click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="File holding the web-service token (else RTCM_MOODLE_TOKEN, else rtcm-lms.yml).")  # fmt: skip
@click.option("--dist", type=click.Path(path_type=Path, file_okay=False), default=Path("dist"), show_default=True,
              help="Folder with the local build to compare with.")  # fmt: skip
@click.option("--course", "course_ids", multiple=True, help="Only these courses (repeatable).")
@click.option("--release", default=__version__, show_default=True, help="Local release label to compare with.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--ca-bundle", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="CA bundle for a site with a private certificate authority.")  # fmt: skip
def status(content_dir, url, token_file, dist, course_ids, release, as_json, ca_bundle) -> None:
    """What is deployed in Moodle per course, and what a push of the local build would change."""
    from .moodle import Client, MoodleError
    from .moodle.desired import desired_state
    from .moodle.status import print_status, site_status

    url, token = moodle_access(url, token_file)
    catalogue = load_or_fail(content_dir)
    require_courses(catalogue, course_ids)
    desired = desired_state(catalogue, dist, release, list(course_ids))
    try:
        with Client(url, token, ca_bundle=str(ca_bundle) if ca_bundle else None) as client:
            report = site_status(client, desired)
    except MoodleError as exc:
        fail([str(exc)], "status: could not read the site")
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        print_status(report)


def moodle_access(url: str | None, token_file: Path | None) -> tuple[str, str]:
    """Site URL and token: the flag, else the environment variable, else rtcm-lms.yml."""
    from .config import CONFIG_FILE, load_config
    from .content.yamlio import ContentError

    try:
        config = load_config()
    except ContentError as exc:
        fail(exc.problems, f"fix {CONFIG_FILE}")
    for warning in config.warnings:
        click.secho(warning, fg="yellow", err=True)
    url = url or config.moodle.url
    if not url:
        raise click.UsageError(f"no Moodle URL: pass --url, set RTCM_MOODLE_URL, or set moodle.url in {CONFIG_FILE}")
    return url, read_token(token_file, config.moodle.token_file)



@main.command("report")
@CONTENT_OPTION
@click.option("--url", envvar="RTCM_MOODLE_URL", help="Moodle site URL (else RTCM_MOODLE_URL, else rtcm-lms.yml).")
@click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="File holding the web-service token (else RTCM_MOODLE_TOKEN, else rtcm-lms.yml).")  # fmt: skip
@click.option("--course", "course_ids", multiple=True, help="Only these courses (repeatable; default: all).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("report"), show_default=True,
              help="Folder for index.html, report.json and the CSV files.")  # fmt: skip
@click.option("--with-names", is_flag=True, help="Name learners (per-learner tables); off by default.")
@click.option("--id-prefix", default="", help="idnumber prefix the courses were pushed with (default: none).")
@click.option("--ca-bundle", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="CA bundle for a site with a private certificate authority.")  # fmt: skip
def report_command(content_dir, url, token_file, course_ids, out, with_names, id_prefix, ca_bundle) -> None:
    """Training evaluation report from Moodle's tracking data: HTML, CSV and JSON in OUT/."""
    from .moodle import Client, MoodleError
    from .report.run import make_report

    url, token = moodle_access(url, token_file)
    catalogue = load_or_fail(content_dir)
    require_courses(catalogue, course_ids)
    wanted = list(course_ids) or [c.id for c in catalogue.courses]
    try:
        with Client(url, token, ca_bundle=str(ca_bundle) if ca_bundle else None) as client:
            result = make_report(client, catalogue, wanted, out, id_prefix=id_prefix, with_names=with_names)
    except MoodleError as exc:
        fail([str(exc)], "report stopped: nothing was written")
    cat = result.report.catalogue
    for note in cat.notes:
        click.secho(note, fg="yellow", err=True)
    click.echo(f"report of {cat.courses} course(s) ({cat.pushed} in Moodle, {cat.started} learner(s) started, "
               f"{cat.post_respondents} evaluation(s)) written to {out / 'index.html'} with JSON and CSV")  # fmt: skip


def read_token(token_file: Path | None, config_token_file: Path | None = None) -> str:
    """The token comes from a file or the environment, never from the command line (shell history)."""
    import os

    env = os.environ.get("RTCM_MOODLE_TOKEN", "").strip()
    source = token_file or (None if env else config_token_file)
    if source:
        try:
            token = source.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise click.UsageError(f"cannot read the token file {source}: {exc.strerror}") from None
    else:
        token = env
    if not token:
        raise click.UsageError("no token: pass --token-file FILE, set RTCM_MOODLE_TOKEN, or set moodle.token_file "
                               "in rtcm-lms.yml")  # fmt: skip
    return token


def require_courses(catalogue, course_ids) -> None:
    """A course id that is not in the catalogue is a usage error (exit 2), named in the message."""
    unknown = [c for c in course_ids if catalogue.course(c) is None]
    if unknown:
        raise click.UsageError(f"unknown course id(s): {', '.join(unknown)}")


def load_or_fail(content_dir: Path):
    from .project import ContentError, load_project

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
