"""The ``loomlight`` command.

    loomlight demo [--port N] [--no-serve]   build the demo database and serve it
    loomlight serve [--port N] [--host H]    run the web application (gunicorn)
    loomlight worker                         run the background task worker (each task time-limited)
    loomlight manage ARGS...                 Django's management commands
    loomlight ghg INPUT.csv [options]        GHG inventory from a CSV (no database; --help)
    loomlight assessment validate FILE.yaml  check a framework file (no database): coded errors, exit 1 on any
    loomlight assessment xlsform FRAMEWORK -o FILE.xlsx   the framework as an XLSForm for ODK/KoboToolbox (no database)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

def _django(env: str | None = None) -> None:
    if env:
        os.environ.setdefault("LOOMLIGHT_ENV", env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loomlight.site.settings")
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _gunicorn(host: str, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "loomlight.site.wsgi:application", "--bind", f"{host}:{port}",
         "--workers", str(workers), "--access-logfile", "-", "--graceful-timeout", "5"],
        env=os.environ.copy(),
    )


def _worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "loomlight.cli", "worker"], env=os.environ.copy())


def cmd_demo(args) -> int:
    os.environ["LOOMLIGHT_ENV"] = "demo"
    os.environ.setdefault("LOOMLIGHT_DATA_DIR", str(Path.cwd() / "var" / "demo"))
    # the links of the e-mails the demo prints lead to the demo's own port
    os.environ.setdefault("LOOMLIGHT_SITE_URL", f"http://127.0.0.1:{args.port}")
    _django()
    _call("migrate", "--no-input", "--verbosity", "0")
    from loomlight.demo.generator import load_demo

    summary = load_demo()
    print("\n".join(summary.lines()))
    if args.no_serve:
        return 0
    print(f"\nLoomlight demo at http://127.0.0.1:{args.port} (stop with Ctrl+C)\n", flush=True)
    return _run_servers("127.0.0.1", args.port, workers=2)


def _run_servers(host: str, port: int, workers: int) -> int:
    worker = _worker()
    web = _gunicorn(host, port, workers)
    try:
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in (web, worker):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def cmd_serve(args) -> int:
    _django()
    from django.conf import settings

    if settings.PRODUCTION:
        _call("collectstatic", "--no-input", "--verbosity", "0")
    web = _gunicorn(args.host, args.port, args.workers)
    try:
        return web.wait()
    except KeyboardInterrupt:
        web.terminate()
        return 0


def cmd_worker(args) -> int:
    _django()
    _call("worker")   # django-tasks-db's db_worker, each task stopped at LOOMLIGHT_TASK_TIME_LIMIT (site/worker.py)
    return 0


def cmd_manage(args) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["loomlight manage", *args.rest])
    return 0


def cmd_assessment_validate(args) -> int:
    """Every coded error of each framework file on standard error (file:line: code problem); exit 1 on any.

    Needs no database and no web server: only the pure ``loomlight.calc.assessment`` is imported."""
    from loomlight.calc.assessment import Code, FrameworkError, validate

    failed = False
    for path in args.files:
        try:
            with open(path, encoding="utf-8-sig") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            errors = [FrameworkError(Code.UNREADABLE, path, 0, f"cannot be read: {getattr(exc, 'strerror', None) or exc}")]
        else:
            errors = validate(text, path)
        for error in errors:
            print(error, file=sys.stderr)
        if errors:
            failed = True
            print(f"{path}: {len(errors)} error{'s' if len(errors) != 1 else ''}", file=sys.stderr)
        else:
            print(f"{path}: valid")
    return 1 if failed else 0


def _framework(name: str, version: str | None):
    """A built-in framework's id (with ``version``) or a YAML file's path -> (Framework, None) or (None, message)."""
    from loomlight.calc.assessment import FrameworkInvalid, load
    from loomlight.calc.assessment.builtin import UnknownFramework, builtin

    path = Path(name)
    try:
        if path.suffix in (".yaml", ".yml") or path.exists():
            if version is not None:
                return None, "--version is for a built-in framework; a file names its own version"
            return load(path.read_text(encoding="utf-8-sig"), name), None
        return builtin(name, version), None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{name}: cannot be read: {getattr(exc, 'strerror', None) or exc}"
    except (FrameworkInvalid, UnknownFramework) as exc:
        return None, str(exc)


def cmd_assessment_xlsform(args) -> int:
    """Write the framework version as an XLSForm (checked by pyxform); no database, no network."""
    from loomlight.calc.assessment.xlsform import XLSFormInvalid, form_version, to_xlsform

    framework, problem = _framework(args.framework, args.version)
    if framework is None:
        print(f"loomlight: {problem}", file=sys.stderr)
        return 1
    try:
        data = to_xlsform(framework, subject=args.subject)
    except XLSFormInvalid as exc:
        print(f"loomlight: {exc}", file=sys.stderr)
        return 1
    try:
        Path(args.output).write_bytes(data)
    except OSError as exc:
        print(f"loomlight: {args.output}: cannot be written: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{args.output}: XLSForm {framework.id} version {form_version(framework)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loomlight", description="Loomlight: sustainable-manufacturing programmes, open.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the demo database (SQLite) with the demo programme and serve it")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="build the database only")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="run the web application with gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=int(os.environ.get("LOOMLIGHT_WEB_WORKERS", "2")))
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the background task worker")
    worker.set_defaults(func=cmd_worker)

    from loomlight.accounting.cli import add_parser as add_ghg

    add_ghg(sub)

    assessment = sub.add_parser("assessment", help="assessment frameworks as data (no database)")
    assessment_sub = assessment.add_subparsers(dest="assessment_command", required=True)
    validate = assessment_sub.add_parser("validate", help="check framework YAML files: coded errors, exit 1 on any")
    validate.add_argument("files", nargs="+", metavar="FILE.yaml")
    validate.set_defaults(func=cmd_assessment_validate)
    xlsform = assessment_sub.add_parser("xlsform", help="write a framework version as an XLSForm (ODK Collect, KoboToolbox)")
    xlsform.add_argument("framework", metavar="FRAMEWORK", help="a built-in framework's id or a YAML file")
    xlsform.add_argument("--version", help="the built-in framework's version (default: the newest)")
    xlsform.add_argument("--subject", choices=("facility", "park", "shared_facility"),
                         help="leave out what does not apply to this kind of subject")
    xlsform.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    xlsform.set_defaults(func=cmd_assessment_xlsform)

    manage = sub.add_parser("manage", help="Django management commands (migrate, createsuperuser, ...)")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "port", None) is not None and not 1 <= args.port <= 65535:
        print(f"loomlight: --port must be between 1 and 65535, not {args.port}", file=sys.stderr)
        return 2
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
