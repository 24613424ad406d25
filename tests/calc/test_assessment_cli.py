"""``loomlight assessment validate FILE.yaml``: coded errors on standard error, exit 1 on any error, 0 when valid;
no database and no web server (Django is never imported)."""

import subprocess
import sys
from pathlib import Path

from loomlight.cli import main

MINI = Path(__file__).parent / "frameworks" / "mini.yaml"


def test_a_valid_file_exits_0(capsys):
    assert main(["assessment", "validate", str(MINI)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (f"{MINI}: valid\n", "")


def test_every_error_is_printed_with_file_line_and_code_and_exit_is_1(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text('id: t\nversion: "1"\ntitle: T\nsections:\n  - id: s\n    title: S\n    questions:\n'
                   '      - {id: q1, type: yesno, text: Q, level: foundational}\n'
                   '      - {id: q2, type: number, text: Q, level: basic, unit: ton}\n', encoding="utf-8")
    assert main(["assessment", "validate", str(MINI), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{MINI}: valid\n"
    assert err.splitlines() == [
        f"{bad}:8: F001 unknown question type “yesno” in “q1”; the types are yes_no, single_choice, multiple_choice, number, text, date, evidence, table",
        f"{bad}:9: F008 unknown level “basic” in “q2”; the levels are foundational, intermediate, aspirational",
        f"{bad}:9: F009 the unit of “q2”: “ton” is ambiguous: write tonne (1000 kg) or short_ton (907.18474 kg).",
        f"{bad}: 3 errors",
    ]


def test_a_missing_or_undecodable_file_is_an_error_not_a_traceback(tmp_path, capsys):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9\n".encode("latin-1"))
    assert main(["assessment", "validate", str(tmp_path / "none.yaml"), str(latin)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{tmp_path / 'none.yaml'}: F025 cannot be read: No such file or directory"
    assert err[2].startswith(f"{latin}: F025 cannot be read: 'utf-8' codec can't decode byte 0xe9")


def test_the_command_needs_no_django():
    # given a fresh interpreter; when the command validates a file; then no Django module was imported
    code = ("import sys; from loomlight.cli import main; rc = main(['assessment', 'validate', %r]);"
            " print(rc, sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))" % str(MINI))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(Path(__file__).parents[2] / "src"), "PATH": "/usr/bin:/bin"})
    assert result.stdout.splitlines()[-1] == "0 []"
