"""Comments never reach anyone but the guideline's authors: in every view, the API and the exports (issue 19).

The matrix: anonymous, a facility manager, a brand, an assessor, a financier, a programme admin of the
programme who is not an author, the installation's operator and an author, over every consultations route and
download. The walk: with a comment whose text, name, organisation and e-mail are canaries, every non-author
opens every derived view of tests/access/derived_views.py (pages, partials, CSV, XLSX, API, the audit trail)
and every consultations route, and no response holds a canary; the author's own page and downloads do
(the positive control: the walk can fail).
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from loomlight.consultations import services
from loomlight.consultations.models import Comment
from tests.access.derived_views import DERIVED
from tests.access.test_data_kinds import canary, url  # noqa: F401  (canary: the fixture of every kind of data)
from tests.consultations.conftest import NOW

CANARY = {"body": "Canary Comment Text C4", "name": "Canary Sender N2", "organisation": "Canary Org O3",
          "email": "canary-e1@example.org"}
NON_AUTHORS = ("admin", "operator", "brand", "manager", "assessor", "financier", "park_operator", "nobody")
#: Who walks every derived view: the widest readers (the operator reads nearly everything, the programme admin
#: who is not an author the whole programme), a facility's manager, a brand, anonymous. The other roles read
#: less than these and are in the matrix of the consultations routes.
WALKERS = ("operator", "admin", "manager", "brand", None)


def _comment(consultation):
    return services.comment_submit(period=consultation.period, section="general", client_address="1.1.1.1",
                                   now=NOW, **CANARY)


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":   # an XLSX
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join("\t".join("" if v is None else str(v) for v in row)
                         for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return body.decode("utf-8-sig", errors="replace")


def _routes(consultation, comment) -> dict[str, str]:
    p = consultation.period.pk
    return {
        "public": reverse("consultations:public"),
        "period": reverse("consultations:period", args=[p]),
        "manage": reverse("consultations:manage"),
        "period_new": reverse("consultations:period_new"),
        "period_comments": reverse("consultations:period_comments", args=[p]),
        "export_csv": reverse("consultations:export", args=[p, "csv"]),
        "export_xlsx": reverse("consultations:export", args=[p, "xlsx"]),
    }


# reader -> the status of each GET route; 302 for anonymous: the login page
EXPECTED = {
    None:        {"public": 200, "period": 200, "manage": 302, "period_new": 302, "period_comments": 302, "export_csv": 302, "export_xlsx": 302},
    "manager":   {"public": 200, "period": 200, "manage": 404, "period_new": 404, "period_comments": 404, "export_csv": 404, "export_xlsx": 404},
    "brand":     {"public": 200, "period": 200, "manage": 404, "period_new": 404, "period_comments": 404, "export_csv": 404, "export_xlsx": 404},
    "assessor":  {"public": 200, "period": 200, "manage": 404, "period_new": 404, "period_comments": 404, "export_csv": 404, "export_xlsx": 404},
    "financier": {"public": 200, "period": 200, "manage": 404, "period_new": 404, "period_comments": 404, "export_csv": 404, "export_xlsx": 404},
    "admin":     {"public": 200, "period": 200, "manage": 200, "period_new": 200, "period_comments": 404, "export_csv": 404, "export_xlsx": 404},
    "operator":  {"public": 200, "period": 200, "manage": 200, "period_new": 200, "period_comments": 404, "export_csv": 404, "export_xlsx": 404},
    "author":    {"public": 200, "period": 200, "manage": 200, "period_new": 200, "period_comments": 200, "export_csv": 200, "export_xlsx": 200},
}


def _login(client, consultation, who):
    client.logout()
    if who == "author":
        client.force_login(consultation.author)
    elif who is not None:
        client.force_login(consultation.world.users[who])


@pytest.mark.parametrize("who", list(EXPECTED), ids=lambda w: w or "anonymous")
def test_every_consultations_route_answers_each_reader_as_the_matrix_says(client, consultation, frozen_now, who):
    comment = _comment(consultation)
    _login(client, consultation, who)
    statuses = {name: client.get(path).status_code for name, path in _routes(consultation, comment).items()}
    assert statuses == EXPECTED[who]
    # the writes: refused (404, or the login page) to all but the author, nothing changed
    mark = client.post(reverse("consultations:comment_mark", args=[comment.pk]), {"status": "read"})
    redact = client.post(reverse("consultations:comment_redact", args=[comment.pk]))
    comment.refresh_from_db()
    if who == "author":
        assert (mark.status_code, redact.status_code, comment.status, comment.name) == (302, 302, "read", "")
    else:
        assert (mark.status_code, redact.status_code) == ((302, 302) if who is None else (404, 404))
        assert (comment.status, comment.name, comment.email) == ("new", CANARY["name"], CANARY["email"])


@pytest.mark.parametrize("who", ["manager", "brand", "nobody", None], ids=lambda w: w or "anonymous")
def test_who_does_not_run_the_guideline_cannot_close_its_period(client, consultation, frozen_now, who):
    _login(client, consultation, who)
    response = client.post(reverse("consultations:period_close", args=[consultation.period.pk]))
    consultation.period.refresh_from_db()
    assert response.status_code == (302 if who is None else 404)
    assert consultation.period.is_open(NOW)


def test_no_link_to_the_comments_is_shown_to_a_non_author(client, consultation, frozen_now):
    _comment(consultation)
    comments_url = reverse("consultations:period_comments", args=[consultation.period.pk])
    for who in NON_AUTHORS:
        _login(client, consultation, who)
        for path in (reverse("home"), reverse("consultations:manage"), reverse("consultations:public")):
            response = client.get(path)
            assert f'href="{comments_url}"' not in response.content.decode(), (who, path)
    for who in ("manager", "brand", "nobody"):
        _login(client, consultation, who)
        assert reverse("consultations:manage") not in client.get(reverse("home")).content.decode()


@pytest.fixture
def consultation_canary(canary, consultation):
    """The canary world of tests/access (every kind of a facility's data) with the canary comment."""
    return consultation, _comment(consultation)


def _found(text: str) -> list[str]:
    return [value for value in CANARY.values() if value in text]


def test_no_page_download_or_api_route_shows_a_comment_to_anyone_but_its_authors(client, consultation_canary, frozen_now):
    """Given the canary comment, when every non-author opens every derived view and every consultations route,
    then no response holds its text, its sender's name, organisation or e-mail."""
    consultation, comment = consultation_canary
    paths = [url(view, consultation.world.ids) for view in DERIVED] + list(_routes(consultation, comment).values())
    leaks, opened = [], 0
    for who in WALKERS:
        _login(client, consultation, who)
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 302, 401, 403, 404), (who, path, response.status_code)
            if response.status_code == 200:
                opened += 1
                leaks += [(who, path, value) for value in _found(_text(response))]
    assert leaks == []
    assert opened >= 350   # the walk reached the views each reader may open (381 on writing: the operator opens nearly all)


def test_the_author_sees_every_canary_so_the_walk_can_fail(client, consultation_canary, frozen_now):
    consultation, comment = consultation_canary
    client.force_login(consultation.author)
    for name in ("period_comments", "export_csv", "export_xlsx"):
        response = client.get(_routes(consultation, comment)[name])
        assert _found(_text(response)) == list(CANARY.values()), name
    assert Comment.objects.count() == 1
