"""PDF documents from Django templates, in the reader's language, with WeasyPrint.

    pdf = render_pdf("assessments/scorecard.html", context, language="km")

The template is rendered to HTML under ``translation.override(language)`` (its strings, numbers and dates in that
language), then laid out by WeasyPrint with the print stylesheet ``site/pdf.css`` (A4, margins, the font stack
for Latin with Vietnamese diacritics, Khmer and Thai) and a footer "Page X of Y" written in the same language.
The template sets ``<html lang="…">`` to the language (``pdf_language`` in its context): Pango and HarfBuzz
choose the script's shaping and the fonts of ``:lang()`` rules from it.

Nothing is fetched from the network: the URL fetcher serves only the project's static files (a ``file:`` URL
inside a static directory, or ``/static/…`` as ``{% static %}`` writes it) and ``data:`` URLs; every other
URL (http, https, ftp, a file elsewhere on the disk) is refused, and the document is laid out without it.
Fonts come from the system (fontconfig), not from URLs: the Debian packages that scripts/demo.sh and
scripts/test.sh install (docs/deployment.md, "PDF scorecards").
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

#: The print stylesheet every PDF is laid out with (a static file of this app).
STYLESHEET = "site/pdf.css"

class RefusedURL(ValueError):
    """A document asked for a URL outside the project's static files."""


def _static_roots() -> list[Path]:
    """Every directory static files are found in (each app's ``static/``, STATICFILES_DIRS), and STATIC_ROOT."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            if getattr(storage, "location", None):
                roots.append(Path(storage.location).resolve())
    roots.append(Path(settings.STATIC_ROOT).resolve())
    return list(dict.fromkeys(roots))


def static_path(url: str) -> Path:
    """The static file a document's ``url`` names; RefusedURL for any other URL.

    Accepted: ``file:`` URLs whose file lies inside a static directory, and ``file:///static/…`` (what
    ``{% static %}`` writes, resolved against the document's base URL ``file:///``) found by the static files
    finders. Refused: every other scheme (http, https, ftp…) and every other file."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"{url!r}: a PDF fetches nothing from the network, only the project's static files")
    path = unquote(parts.path)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if path.startswith(prefix):
        try:
            found = finders.find(path.removeprefix(prefix))
        except SuspiciousFileOperation:   # "/static/../../etc/passwd"
            found = None
        if found:
            return Path(found).resolve()
    candidate = Path(path).resolve()
    if candidate.is_file() and any(candidate.is_relative_to(root) for root in _static_roots()):
        return candidate
    raise RefusedURL(f"{url!r}: not one of the project's static files")


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint's fetcher for ``data:`` URLs and the project's static files; every other URL refused."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return StaticOnlyFetcher()


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_footer_css() -> str:
    """The footer "Page X of Y" in the active language, as CSS counters between translated words."""
    words = _("Page %(n)s of %(total)s")   # the msgid of the pages' pagination, translated already
    counters = {"%(n)s": "counter(page)", "%(total)s": "counter(pages)"}
    content = [counters.get(piece) or _css_string(piece) for piece in re.split(r"(%\(n\)s|%\(total\)s)", words) if piece]
    return "@page { @bottom-right { content: %s; } }" % " ".join(content)


def render_pdf(template_name: str, context: dict, *, language: str, css: str = "") -> bytes:
    """The template rendered in ``language`` and laid out as an A4 PDF [bytes].

    The context gains ``pdf_language`` (for ``<html lang>``). Local static images and stylesheets may be linked;
    any other URL is refused (logged by WeasyPrint as a warning) and left out. ``css``: rules of this document
    computed from its data (a bar's width), added after pdf.css: templates carry no inline style (the
    Content-Security-Policy rule every template follows, tests/site/test_templates_csp.py)."""
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    with translation.override(language):
        html = render_to_string(template_name, {**context, "pdf_language": language})
        stylesheets = [CSS(filename=finders.find(STYLESHEET), url_fetcher=fetcher),
                       CSS(string=page_footer_css() + css, url_fetcher=fetcher)]
    return HTML(string=html, base_url="file:///", url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)
