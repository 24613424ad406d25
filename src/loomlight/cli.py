"""The ``loomlight`` command.

    loomlight demo [--port N] [--no-serve]   build the demo database and serve it
    loomlight serve [--port N] [--host H]    run the web application (gunicorn)
    loomlight worker                         run the background task worker (each task time-limited)
    loomlight manage ARGS...                 Django's management commands
    loomlight ghg INPUT.csv [options]        GHG inventory from a CSV (no database; --help)
    loomlight case INPUT.json [--format json] a business case: NPV, IRR, paybacks, avoided tCO2e (no database)
    loomlight biomass switch INPUT.json [--format json]
                                             a switch to biomass: tonnes, scope 1 before/after, biogenic CO2 (no database)
    loomlight assessment validate FILE.yaml  check a framework file (no database): coded errors, exit 1 on any
    loomlight assessment questions FRAMEWORK [--version V] [--format csv|json] [--language L]
                                             the questions, one a row (no database)
    loomlight assessment score FRAMEWORK ANSWERS.csv [--format text|json] [--subject S] [--process P,...] [--language L]
                                             score answers, or rate a risk framework's (no database); a bad answer named by row, exit 1
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

    from loomlight.calc.assessment.builtin import builtin_path, builtin_versions

    failed = False
    shipped = builtin_versions()
    for path in args.files:
        if not os.path.exists(path) and path in shipped:   # a built-in framework's id: its newest version's file
            from importlib import resources

            from loomlight.calc.assessment.builtin import PACKAGE
            name = builtin_path(path)
            errors = validate(resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8"), name)
            for error in errors:
                print(error, file=sys.stderr)
            failed = failed or bool(errors)
            print(f"{name}: {'valid' if not errors else f'{len(errors)} errors'}", file=sys.stderr if errors else sys.stdout)
            continue
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


ASSESSMENT_FRAMEWORK_HELP = "a built-in framework's id, or the path of a framework YAML file"


def _assessment_framework(spec: str, version: str | None):
    """(framework, None) for a built-in id or a YAML file's path, or (None, 1) after printing why not."""
    from loomlight.calc.assessment import Code, FrameworkError, FrameworkInvalid, load
    from loomlight.calc.assessment.builtin import UnknownFramework, builtin

    if os.path.isfile(spec) or spec.endswith((".yaml", ".yml")) or os.sep in spec:
        try:
            with open(spec, encoding="utf-8-sig") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            print(FrameworkError(Code.UNREADABLE, spec, 0, f"cannot be read: {getattr(exc, 'strerror', None) or exc}"), file=sys.stderr)
            return None, 1
        try:
            framework = load(text, spec)
        except FrameworkInvalid as exc:
            for error in exc.errors:
                print(error, file=sys.stderr)
            print(f"{spec}: {len(exc.errors)} error{'s' if len(exc.errors) != 1 else ''}", file=sys.stderr)
            return None, 1
        if version is not None and version != framework.version:
            print(f"{spec}: the file is {framework.id} version {framework.version}, not {version}", file=sys.stderr)
            return None, 1
        return framework, None
    try:
        return builtin(spec, version), None
    except UnknownFramework as exc:
        print(f"loomlight: {exc}", file=sys.stderr)
    except FrameworkInvalid as exc:
        print(exc, file=sys.stderr)
    return None, 1


def _fmt(number: float) -> str:
    """A figure for the terminal: at most two decimals, no trailing zeros (66.67, 50, 22.5)."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _question_row(framework, section, q, language: str) -> dict:
    """One question as a flat record (the rows of ``assessment questions``); lists stay lists for JSON."""
    from loomlight.calc.assessment.tree import SUBJECTS, text_in

    subjects = [k for k in SUBJECTS if (not section.applies_to.subjects or k in section.applies_to.subjects)
                and (not q.applies_to.subjects or k in q.applies_to.subjects)]
    processes = [list(a.processes) for a in (section.applies_to, q.applies_to) if a.processes]
    when = None
    if q.when is not None:
        target = framework.questions[q.when.question]
        value = q.when.value
        words = {"equals": f"equals {value}", "in": f"in {','.join(value) if isinstance(value, tuple) else value}",
                 "includes": f"includes {value}", "answered": "answered",
                 "at_least": f"at least {_fmt(value) if isinstance(value, float) else value} {target.unit}",
                 "at_most": f"at most {_fmt(value) if isinstance(value, float) else value} {target.unit}"}[q.when.op]
        when = f"{q.when.question} {words}"
    row = {
        "id": q.id, "section": section.id, "type": q.type, "text": text_in(q.text, language),
        "choices": [{"code": c.code, "label": text_in(c.label, language), "points": c.points} for c in q.choices],
        "thresholds": [{q.direction: t.bound, "points": t.points} for t in q.thresholds],
        "columns": [{"id": c.id, "type": c.type, "unit": c.unit, "choices": [ch.code for ch in c.choices]} for c in q.columns],
        "points": q.points, "subjects": subjects, "processes": processes, "when": when, "level": q.level,
        "unit": q.unit, "allow_na": q.allow_na, "from_data": q.from_data,
    }
    if framework.kind == "risk":
        # what each answer rates: a choice's risk, a yes/no answer's, a number band's (``None`` on informational)
        for choice, out in zip(q.choices, row["choices"]):
            out["risk"] = choice.outcome.risk if choice.outcome else None
            out["knockout"] = bool(choice.outcome and choice.outcome.knockout)
        row["risk"] = ([{"answer": answer, "risk": o.risk, "knockout": o.knockout} for answer, o in q.outcomes]
                       + [{"at_most": b.at_most, "risk": b.outcome.risk, "knockout": b.outcome.knockout} for b in q.bands])
        row["rated"] = q.rated
        row["mitigation"] = text_in(q.mitigation, language) if q.mitigation else None
    return row


QUESTION_COLUMNS = ("id", "section", "type", "text", "choices", "thresholds", "columns", "points", "subjects",
                    "processes", "when", "level", "unit", "allow_na", "from_data")


RISK_QUESTION_COLUMNS = ("id", "section", "type", "text", "choices", "risk", "columns", "subjects", "processes", "when",
                         "unit", "allow_na", "from_data", "mitigation")


def _risk_words(risk: str | None, knockout: bool) -> str:
    return f"{risk}, knock-out" if knockout else (risk or "")


def _risk_cells(row: dict) -> list[str]:
    """A risk framework's question as CSV cells: each choice with its risk, yes/no and number bands in ``risk``."""
    bands = []
    for spec in row["risk"]:
        if "answer" in spec:
            bands.append(f"{spec['answer']}: {_risk_words(spec['risk'], spec['knockout'])}")
        else:
            bound = f"≤ {_fmt(spec['at_most'])}" if spec["at_most"] is not None else "more"
            bands.append(f"{bound}: {_risk_words(spec['risk'], spec['knockout'])}")
    cells = {**row, "subjects": ",".join(row["subjects"]),
             "columns": "; ".join(f"{c['id']} ({', '.join([c['type'], *([c['unit']] if c['unit'] else []), *c['choices']])})"
                                  for c in row["columns"]),
             "processes": " and ".join(",".join(group) for group in row["processes"]),
             "when": row["when"] or "", "unit": row["unit"] or "", "allow_na": "yes" if row["allow_na"] else "no",
             "from_data": row["from_data"] or "",
             "choices": "; ".join(f"{c['code']}: {c['label']}" + (f" ({_risk_words(c['risk'], c['knockout'])})" if c["risk"] else "")
                                  for c in row["choices"]),
             "risk": "; ".join(bands), "mitigation": row["mitigation"] or ""}
    return [cells[c] for c in RISK_QUESTION_COLUMNS]


def _question_cells(row: dict) -> list[str]:
    sign = {"at_least": "≥", "at_most": "≤"}
    cells = {
        **row,
        "choices": "; ".join(f"{c['code']}: {c['label']} ({_fmt(c['points'])})" for c in row["choices"]),
        "thresholds": "; ".join(f"{sign[k]} {_fmt(v)}: {_fmt(t['points'])}" for t in row["thresholds"]
                                for k, v in t.items() if k != "points"),
        "columns": "; ".join(f"{c['id']} ({', '.join([c['type'], *([c['unit']] if c['unit'] else []), *c['choices']])})"
                             for c in row["columns"]),
        "points": _fmt(row["points"]), "subjects": ",".join(row["subjects"]),
        "processes": " and ".join(",".join(group) for group in row["processes"]),
        "when": row["when"] or "", "unit": row["unit"] or "", "allow_na": "yes" if row["allow_na"] else "no",
        "from_data": row["from_data"] or "",
    }
    return [cells[c] for c in QUESTION_COLUMNS]


def cmd_assessment_questions(args) -> int:
    """The framework's questions, one a row: CSV (a header row, UTF-8) or JSON (a list of objects)."""
    import csv
    import json

    framework, failed = _assessment_framework(args.framework, args.version)
    if failed:
        return failed
    rows = [_question_row(framework, section, q, args.language) for section in framework.sections for q in section.questions]
    risk = framework.kind == "risk"
    if risk:   # a risk framework earns no points and has no levels
        for row in rows:
            for key in ("points", "thresholds", "level"):
                row.pop(key)
            for choice in row["choices"]:
                choice.pop("points")
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(RISK_QUESTION_COLUMNS if risk else QUESTION_COLUMNS)
    writer.writerows((_risk_cells(row) if risk else _question_cells(row)) for row in rows)
    return 0


def _read_answers(path: str, framework) -> tuple[dict, dict, list[tuple[int, str]]]:
    """(raw answers, question id -> its line, errors) of an ANSWERS.csv (columns question, answer); every error names the file and the line."""
    import csv
    import io
    import json

    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return {}, {}, [(0, f"{path}: cannot be read: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return {}, {}, [(line, f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8 CSV")]
    if not text.strip():
        return {}, {}, [(0, f"{path}: the file is empty: write a header row question,answer and one row per answer")]
    reader = csv.reader(io.StringIO(text, newline=""))
    answers, lines, errors = {}, {}, []
    try:
        header = [cell.strip().lower() for cell in next(reader)]
        missing = [c for c in ("question", "answer") if c not in header]
        if missing:
            return {}, {}, [(1, f"{path}:1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; the header row names question,answer")]
        at_q, at_a = header.index("question"), header.index("answer")
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                errors.append((start, f"{path}:{start}: more cells ({len(cells)}) than columns ({len(header)})"))
                continue
            qid = cells[at_q].strip() if at_q < len(cells) else ""
            value = cells[at_a] if at_a < len(cells) else ""
            if not qid:
                errors.append((start, f"{path}:{start}: no question id in the question column"))
                continue
            if qid in lines:
                errors.append((start, f"{path}:{start}: {qid} is answered twice (first on line {lines[qid]})"))
                continue
            lines[qid] = start
            question = framework.questions.get(qid)
            if question is not None and question.type == "table" and value.strip() and value.strip().lower() != "na":
                try:
                    value = json.loads(value)
                except (ValueError, RecursionError) as exc:
                    errors.append((start, f"{path}:{start}: A002 {qid}: a table is answered with a JSON list of row objects, "
                                  f"e.g. [{{\"{question.columns[0].id}\": ...}}]; not valid JSON: {getattr(exc, 'msg', 'nested too deeply')}"))
                    continue
            answers[qid] = value
    except csv.Error as exc:
        errors.append((reader.line_num, f"{path}:{reader.line_num}: not a valid CSV line: {exc}"))
    return answers, lines, errors


def cmd_assessment_score(args) -> int:
    """Score ANSWERS.csv against a framework: text (default) or JSON on standard output; a bad answer is named by
    its line on standard error, exit 1, and nothing is printed on standard output."""
    from loomlight.calc.assessment import AnswersInvalid, Subject, check_answers, score
    from loomlight.calc.assessment.tree import PROCESSES

    processes = tuple(p.strip() for p in (args.process or "").split(",") if p.strip())
    unknown = [p for p in processes if p not in PROCESSES]
    if unknown:
        print(f"loomlight: unknown process {', '.join(unknown)}; the processes are {', '.join(PROCESSES)}", file=sys.stderr)
        return 2
    framework, failed = _assessment_framework(args.framework, args.version)
    if failed:
        return failed
    kind = args.subject
    if kind is None:
        named = {k for s in framework.sections for k in s.applies_to.subjects}
        kind = named.pop() if len(named) == 1 else "facility"
    answers, lines, errors = _read_answers(args.answers, framework)
    try:
        check_answers(framework, answers)   # every bad answer, beside the file's own errors, in line order
    except AnswersInvalid as exc:
        for error in exc.errors:
            line = lines.get(error.question) or lines.get(error.question.split("[", 1)[0], 0)
            errors.append((line, f"{args.answers}:{line}: {error.code.value} {error.question}: {error.message}"))
    if errors:
        for _, error in sorted(errors, key=lambda e: e[0]):
            print(error, file=sys.stderr)
        print(f"{args.answers}: {len(errors)} error{'s' if len(errors) != 1 else ''}; nothing scored", file=sys.stderr)
        return 1
    subject = Subject(kind, processes)
    if framework.kind == "risk":
        from loomlight.calc.assessment.risk import rate

        result = rate(framework, answers, subject)
        print(_risk_json(result, framework, subject, args.language) if args.format == "json"
              else _risk_text(result, framework, subject, args.language))
        return 0
    result = score(framework, answers, subject)
    print(_score_json(result, subject) if args.format == "json" else _score_text(result, subject))
    return 0


def _risk_json(result, framework, subject, language: str) -> str:
    """A risk framework's rating as JSON: overall, each criterion with its questions, missing, knockouts."""
    import json

    from loomlight.calc.assessment.tree import text_in

    def plain(value):
        return list(value) if isinstance(value, tuple) else value

    body = {"framework": result.framework, "version": result.version, "kind": "risk", "content_hash": result.content_hash,
            "subject": {"kind": subject.kind, "processes": list(subject.processes)}, "overall": result.overall,
            "criteria": [{"id": c.id, "title": text_in(c.title, language), "rating": c.rating,
                          "questions": [{"id": q.id, "answer": plain(q.answer), "rating": q.rating,
                                         "reason": text_in(q.reason, language),
                                         "mitigation": text_in(q.mitigation, language) if q.mitigation else None,
                                         "knockout": q.knockout} for q in c.questions]}
                         for c in result.criteria],
            "missing": list(result.missing), "knockouts": list(result.knockouts)}
    return json.dumps(body, ensure_ascii=False, indent=2)


def _risk_text(result, framework, subject, language: str) -> str:
    from loomlight.calc.assessment.tree import text_in

    knocked = f" (knock-out: {', '.join(result.knockouts)})" if result.knockouts else ""
    where = f" ({', '.join(subject.processes)})" if subject.processes else ""
    lines = [f"{result.framework} {result.version}: overall risk {result.overall}{knocked}",
             f"subject: {subject.kind}{where}; content hash {result.content_hash[:12]}", ""]
    lines += _aligned(["criterion", "title", "rating"], [[c.id, text_in(c.title, language), c.rating] for c in result.criteria], right=set())
    lines.append("")
    rows = []
    for c in result.criteria:
        for q in c.questions:
            answer = "–" if q.answer is None else (", ".join(q.answer) if isinstance(q.answer, tuple) else
                                                    _fmt(q.answer) if isinstance(q.answer, float) else str(q.answer))
            rows.append([q.id, answer, q.rating + (" (knock-out)" if q.knockout else ""), text_in(q.reason, language)])
    lines += _aligned(["question", "answer", "rating", "why"], rows, right=set())
    mitigations = [(q.id, q.rating, text_in(q.mitigation, language)) for c in result.criteria for q in c.questions
                   if q.mitigation and q.rating in ("medium", "high")]
    lines.append("")
    if mitigations:
        lines.append("mitigation of each medium or high risk")
        lines += [f"  {qid} ({rating}): {words}" for qid, rating, words in mitigations]
    else:
        lines.append("mitigation: none needed (no medium or high risk)")
    lines.append("")
    lines.append(f"missing (ask the supplier for): {', '.join(result.missing)}" if result.missing
                 else "missing: nothing (every question that applies is answered)")
    return "\n".join(lines)


STATUS_WORDS = {"not_applicable": "not applicable"}


def _score_json(result, subject) -> str:
    import dataclasses
    import json

    body = {"framework": result.framework, "version": result.version, "content_hash": result.content_hash,
            "subject": {"kind": subject.kind, "processes": list(subject.processes)},
            "percent": result.percent, "level_reached": result.level_reached,
            "sections": [{**dataclasses.asdict(s), "levels": [{"level": lv, "earned": e, "possible": p} for lv, e, p in s.levels]}
                         for s in result.sections],
            "answers": [dataclasses.asdict(a) for a in result.answers],
            "raise_most": [dataclasses.asdict(g) for g in result.raise_most]}
    return json.dumps(body, ensure_ascii=False, indent=2)


def _aligned(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  ".join((cell.rjust(w) if i in right else cell.ljust(w)) for i, (cell, w) in enumerate(zip(r, widths))).rstrip()
            for r in [header, *rows]]


def _score_text(result, subject) -> str:
    total = f"{_fmt(result.percent)} %" if result.percent is not None else "no score (no question counts)"
    where = f" ({', '.join(subject.processes)})" if subject.processes else ""
    lines = [f"{result.framework} {result.version}: {total}; level reached: {result.level_reached or 'none'}",
             f"subject: {subject.kind}{where}; content hash {result.content_hash[:12]}", ""]
    lines += _aligned(["section", "weight", "score", "level reached"],
                      [[s.section, f"{_fmt(s.weight_share * 100)} %" if s.counted else "–",
                        f"{_fmt(s.percent)} %" if s.percent is not None else "not counted", s.level_reached or "none"]
                       for s in result.sections], right={1, 2})
    lines.append("")
    rows = []
    for a in result.answers:
        counted = a.status in ("full", "partial", "failed", "unanswered")
        points = f"{_fmt(a.earned)}/{_fmt(a.possible)}{'*' if a.gated else ''}" if counted else "–"
        rows.append([a.question, a.section, a.level, STATUS_WORDS.get(a.status, a.status), points,
                     _fmt(a.total_contribution) if counted else "–"])
    lines += _aligned(["question", "section", "level", "status", "points", "of total (pp)"], rows, right={4, 5})
    if any(a.gated for a in result.answers):
        lines.append("* earned points withheld: the section's foundational questions do not all earn full points")
    lines.append("")
    if result.raise_most:
        lines.append("what would raise the score most (the total's gain in percentage points if that answer alone earned full points)")
        lines += _aligned(["question", "section", "points", "total gain (pp)"],
                          [[g.question, g.section, f"+{_fmt(g.points)}", f"+{_fmt(g.total_gain)}"] for g in result.raise_most],
                          right={2, 3})
    else:
        lines.append("what would raise the score most: nothing (every counted question earns full points)")
    return "\n".join(lines)


def cmd_assessment_xlsform(args) -> int:
    """Write the framework version as an XLSForm (checked by pyxform); no database, no network."""
    from loomlight.calc.assessment.xlsform import XLSFormInvalid, form_version, to_xlsform

    framework, failed = _assessment_framework(args.framework, args.version)
    if framework is None:
        return failed
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

    from loomlight.interventions.cli import add_parser as add_case

    add_case(sub)

    from loomlight.biomass.cli import add_parser as add_biomass

    add_biomass(sub)

    assessment = sub.add_parser("assessment", help="assessment frameworks as data (no database)")
    assessment_sub = assessment.add_subparsers(dest="assessment_command", required=True)
    validate = assessment_sub.add_parser("validate", help="check framework YAML files: coded errors, exit 1 on any")
    validate.add_argument("files", nargs="+", metavar="FILE.yaml")
    validate.set_defaults(func=cmd_assessment_validate)
    questions = assessment_sub.add_parser("questions", help="a framework's questions, one a row (CSV or JSON)")
    questions.add_argument("framework", metavar="FRAMEWORK", help=ASSESSMENT_FRAMEWORK_HELP)
    questions.add_argument("--version", help="a built-in framework's version (default: the newest)")
    questions.add_argument("--format", choices=("csv", "json"), default="csv")
    questions.add_argument("--language", choices=("en", "vi", "km", "th"), default="en",
                           help="the language of the text and choice labels (English where a text has no translation)")
    questions.set_defaults(func=cmd_assessment_questions)
    scoring = assessment_sub.add_parser("score", help="score a CSV of answers (question,answer) against a framework")
    scoring.add_argument("framework", metavar="FRAMEWORK", help=ASSESSMENT_FRAMEWORK_HELP)
    scoring.add_argument("answers", metavar="ANSWERS.csv")
    scoring.add_argument("--version", help="a built-in framework's version (default: the newest)")
    scoring.add_argument("--format", choices=("text", "json"), default="text")
    scoring.add_argument("--subject", choices=("facility", "park", "shared_facility"),
                         help="what is assessed (default: the one subject kind the framework's sections name, else facility)")
    scoring.add_argument("--process", help="the facility's processes, separated by commas (e.g. dyeing,finishing)")
    scoring.add_argument("--language", choices=("en", "vi", "km", "th"), default="en",
                         help="a risk framework's titles, reasons and mitigations in this language (English where a text has no translation)")
    scoring.set_defaults(func=cmd_assessment_score)
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
    try:
        return args.func(args) or 0
    except BrokenPipeError:
        # the reader stopped early (``loomlight assessment questions X | head``): no traceback, as other tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
