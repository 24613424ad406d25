"""site.pdf: a Django template to an A4 PDF in the reader's language, fetching nothing but the project's static files.

The PDF's text and font names are read back with pypdf (the test extra). The probe template
(tests/site/pdf_templates/pdf_probe.html) has two pages, a translated word, a static image and, when asked, a
remote stylesheet, a remote image and a file outside the static files.
"""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest
from django.test import override_settings
from pypdf import PdfReader

from loomlight.site import pdf as site_pdf
from loomlight.site.pdf import RefusedURL, page_footer_css, render_pdf, static_path

HERE = Path(__file__).resolve().parent
PDF_CSS = Path(site_pdf.__file__).parent / "static" / "site" / "pdf.css"
PROBE_TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(HERE / "pdf_templates")],
                    "APP_DIRS": True}]
THAI_FONTS = ("Loma", "Garuda", "Norasi", "TlwgTypo", "Tlwg-Typo")


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, its whitespace collapsed to single spaces (table cells and lines wrap)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def font_names(pdf: bytes) -> set[str]:
    """The base names of the fonts the PDF embeds, without the subset prefix ("ABCDEF+Loma" -> "Loma")."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get("/Font", {})
        for key in fonts:
            names.add(str(fonts[key].get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or resolve a name is recorded and refused."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("the tests allow no network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the document asked for, with the file served or the refusal."""
    calls = []
    real = site_pdf.static_path

    def spy(url):
        try:
            path = real(url)
        except RefusedURL:
            calls.append((url, "refused"))
            raise
        calls.append((url, path))
        return path

    monkeypatch.setattr(site_pdf, "static_path", spy)
    return calls


# ---- the URL fetcher ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://tracker.example.invalid/pixel.png",
    "https://fonts.example.invalid/remote.css",
    "ftp://example.invalid/file.txt",
    "file:///etc/hostname",
    "file://example.invalid/srv/static/site/pdf.css",   # a file URL naming another host
    "file:///static/../../etc/hostname",
    "file:///static/site/no-such-file.css",
])
def test_the_fetcher_refuses_every_url_outside_the_static_files(url, no_network):
    """Given a URL that is not one of the project's static files, when a PDF asks for it, then it is refused
    (RefusedURL, caught and logged by WeasyPrint) and no connection is attempted."""
    with pytest.raises(RefusedURL):
        site_pdf._fetcher().fetch(url)
    assert no_network == []


def test_the_fetcher_serves_the_static_files(no_network):
    """Given the print stylesheet, when it is named as {% static %} writes it (resolved against file:///) or by
    its own file URL, then the fetcher serves that file's bytes."""
    assert static_path("file:///static/site/pdf.css") == PDF_CSS.resolve()
    assert static_path(PDF_CSS.resolve().as_uri()) == PDF_CSS.resolve()
    response = site_pdf._fetcher().fetch("file:///static/site/pdf.css")
    assert response.read() == PDF_CSS.read_bytes()
    assert no_network == []


@override_settings(TEMPLATES=PROBE_TEMPLATES)
def test_a_document_with_remote_urls_is_laid_out_without_them(no_network, fetched):
    """Given a document linking a remote stylesheet, a remote image and /etc/hostname beside a static image,
    when it is rendered, then the static image is fetched, the other three are refused, no connection is
    attempted, and the PDF is made with its text."""
    pdf = render_pdf("pdf_probe.html", {"heading": "Remote probe", "body": "text", "remote": True}, language="en")
    outcome = {url: ("refused" if result == "refused" else "served") for url, result in fetched}
    assert outcome == {
        "https://fonts.example.invalid/remote.css": "refused",
        "http://tracker.example.invalid/pixel.png": "refused",
        "file:///etc/hostname": "refused",
        "file:///static/loomlight/favicon.svg": "served",
    }
    assert no_network == []
    assert pages_text(pdf)[0].startswith("Remote probe Status: text")


# ---- language: text, footer, fonts -------------------------------------------------------------------------------

@override_settings(TEMPLATES=PROBE_TEMPLATES)
def test_an_english_document_with_vietnamese_words(no_network):
    """Given English with Vietnamese diacritics, when rendered in English, then the text reads back as written,
    the footer repeats the heading (pdf.css's running title) and says "Page 1 of 2" and "Page 2 of 2" (the
    pages' pagination msgid), and only DejaVu Sans (the stack's Latin font, fonts-dejavu-core) is embedded."""
    pdf = render_pdf("pdf_probe.html", {"heading": "Tiếng Việt: Công ty Dệt Bình Minh", "body": "Đồng Nai"},
                     language="en")
    first, second = pages_text(pdf)
    heading = "Tiếng Việt: Công ty Dệt Bình Minh"
    assert first == f"{heading} Status: Đồng Nai {heading} Page 1 of 2"
    assert second == f"Đồng Nai {heading} Page 2 of 2"
    assert font_names(pdf) == {"DejaVu-Sans", "DejaVu-Sans-Bold"}   # the text and the bold heading


@override_settings(TEMPLATES=PROBE_TEMPLATES)
def test_a_thai_document_is_in_thai_with_a_thai_font(no_network):
    """Given the same template in Thai, when rendered, then the translated word (สถานะ, the catalogue's
    "Status") and the footer (หน้า 1 จาก 2: "Page %(n)s of %(total)s" in the Thai catalogue) are there, and the
    fonts are Thai ones: <html lang="th"> selects the stack's Thai fonts (fonts-thai-tlwg) first."""
    pdf = render_pdf("pdf_probe.html", {"heading": "โรงงานย้อมผ้า", "body": "สมุทรปราการ"}, language="th")
    first, second = pages_text(pdf)
    assert first == "โรงงานย้อมผ้า สถานะ: สมุทรปราการ โรงงานย้อมผ้า หน้า 1 จาก 2"
    assert second == "สมุทรปราการ โรงงานย้อมผ้า หน้า 2 จาก 2"
    fonts = font_names(pdf)
    assert fonts and all(name.startswith(THAI_FONTS) for name in fonts), fonts


@override_settings(TEMPLATES=PROBE_TEMPLATES)
def test_a_khmer_document_is_in_khmer_with_a_khmer_font(no_network):
    """Given the template in Khmer, when rendered, then every embedded font is Khmer OS (fonts-khmeros) and the
    heading and the footer's "ទំព័រ 1" (the catalogue's "Page %(n)s of %(total)s") read back.

    Only these are compared: the page shows the Khmer correctly shaped, but the PDF's text layer (WeasyPrint's
    ToUnicode map, one text per glyph) loses some vowels written before or around their consonant, so a
    reader's copy of ស្ថានភាព or សាលា is not exact. docs/architecture.md, "PDF scorecards", says so."""
    pdf = render_pdf("pdf_probe.html", {"heading": "រោងចក្រ ភ្នំពេញ", "body": "សាលា"}, language="km")
    first, _second = pages_text(pdf)
    assert first.startswith("រោងចក្រ ភ្នំពេញ ")
    assert " ទំព័រ 1 " in first
    fonts = font_names(pdf)
    assert fonts and all(name.startswith("Khmer-OS") for name in fonts), fonts


def test_the_footer_quotes_the_translated_words_for_css():
    """Given the footer's words, when made into CSS, then the words are CSS strings between the page counters,
    and a quote or a backslash in a translation cannot end the string early."""
    assert page_footer_css() == '@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); } }'
    assert site_pdf._css_string('a "b" \\c') == '"a \\"b\\" \\\\c"'


@override_settings(TEMPLATES=PROBE_TEMPLATES)
def test_rules_computed_for_a_document_are_added_after_the_print_stylesheet(no_network):
    """Given a rule made from the document's data (as the scorecard's bar widths are, templates having no
    inline style), when it is passed as ``css``, then it overrides pdf.css: the paragraphs are set in Tlwg Typo
    while the heading (DejaVu Sans Bold) and the footer (DejaVu Sans) keep pdf.css's font."""
    pdf = render_pdf("pdf_probe.html", {"heading": "Bars", "body": "text"}, language="en",
                     css='p { font-family: "Tlwg Typo"; }')
    assert font_names(pdf) == {"DejaVu-Sans", "DejaVu-Sans-Bold", "Tlwg-Typo"}
