"""Every template passes the Content-Security-Policy by construction: no inline handler,
no inline script (data go in json_script blocks, behaviour in site/static/loomlight/*.js),
no inline style, no javascript: URL. Walks every template file of the package."""

from __future__ import annotations

import re
from pathlib import Path

import loomlight

PACKAGE = Path(loomlight.__file__).parent
TEMPLATES = sorted(p for p in PACKAGE.glob("**/templates/**/*") if p.is_file() and p.suffix in {".html", ".txt", ".xml", ".svg"})

HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.DOTALL)           # onclick=, onchange=, onload= ...
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
STYLE = re.compile(r"<style\b|<[a-zA-Z][^>]*?\sstyle\s*=", re.DOTALL | re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _problems(text: str) -> list[str]:
    problems = [f"inline handler: {m.group(0)[-40:]!r}" for m in HANDLER.finditer(text)]
    for attributes, body in SCRIPT.findall(text):
        external = re.search(r"\ssrc\s*=", " " + attributes) and not body.strip()
        data = re.search(r"""type\s*=\s*["']application/(ld\+)?json["']""", attributes)
        if not (external or data or "nonce=" in attributes):
            problems.append(f"inline script: <script{attributes}>{body.strip()[:40]}")
    problems += [f"inline style: {m.group(0)[-40:]!r}" for m in STYLE.finditer(text)]
    problems += [f"javascript: URL: {m.group(0)!r}" for m in JS_URL.finditer(text)]
    return problems


def test_the_walk_finds_the_templates():
    names = {p.relative_to(PACKAGE).as_posix() for p in TEMPLATES}
    assert {"site/templates/base.html", "audit/templates/audit/list.html", "site/templates/registry/map.html",
            "reporting/templates/reporting/dashboard.html"} <= names
    assert len(TEMPLATES) >= 40


def test_no_template_has_inline_script_handler_or_style():
    found = {p.relative_to(PACKAGE).as_posix(): _problems(p.read_text(encoding="utf-8")) for p in TEMPLATES}
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_checker_catches_what_it_should():
    assert _problems('<select name="language" onchange="this.form.submit()">') != []
    assert _problems('<body\n  onload="go()">') != []
    assert _problems("<script>alert(1)</script>") != []
    assert _problems('<script src="/x.js">alert(1)</script>') != []
    assert _problems('<div style="color:red">') != [] and _problems("<style>p{}</style>") != []
    assert _problems('<a href="javascript:void(0)">') != []
    # what is allowed: external scripts, data blocks, nonced scripts, data- attributes that merely contain "on"
    assert _problems('<script src="/static/loomlight/forms.js" defer></script>') == []
    assert _problems('<script type="application/json" id="chart-data">{"a": 1}</script>') == []
    assert _problems('<script nonce="{{ request.csp_nonce }}">go()</script>') == []
    assert _problems('<select data-autosubmit name="type"><option value="">x</option></select>') == []
    assert _problems('<p class="notice">Reason: {{ reason }}</p>') == []


def test_no_template_comment_spans_lines():
    """Django's {# #} comments end at the line: one left open prints its text on every page."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "loomlight"
    open_comments = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.html")
                     for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                     if re.search(r"\{#(?!.*#\})", line)]
    assert open_comments == []
