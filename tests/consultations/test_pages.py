"""The public pages (no login) and the authors' pages of consultations, through the test client."""

from __future__ import annotations

import datetime

from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.consultations import services
from loomlight.consultations.models import Comment, CommentExport, CommentPeriod
from tests.consultations.conftest import CLOSES, NOW

FORM = {"section": "wood_chips", "body": "Chips from rubber plantations are often wet.", "name": "Dara Sok",
        "organisation": "Kampong Boilers", "email": "dara@example.org", "website": ""}


def form_url(consultation) -> str:
    return reverse("consultations:period", args=[consultation.period.pk])


def test_the_public_list_names_the_open_period_and_no_count(client, consultation, frozen_now):
    services.comment_submit(period=consultation.period, section="general", body="A comment", client_address="1.1.1.1")
    page = client.get(reverse("consultations:public")).content.decode()
    assert "Sustainable Biomass Guidelines: First public comment" in page
    assert form_url(consultation) in page
    assert "A comment" not in page and "1 comment" not in page and reverse("consultations:manage") not in page


def test_the_form_has_the_sections_the_consent_sentence_and_a_hidden_honeypot_labelled_leave_empty(client, consultation, frozen_now):
    page = client.get(form_url(consultation) + "?section=bagasse").content.decode()
    assert '<option value="bagasse" selected>Bagasse</option>' in page
    assert 'data-testid="consent"' in page and "read only by the authors of this guideline" in page
    assert '<div class="visually-hidden"><label for="id_website">Leave this field empty</label>' in page
    assert 'name="website"' in page and 'tabindex="-1"' in page
    assert 'maxlength="5000"' in page


def test_posting_a_comment_stores_it_and_confirms_next_to_the_form(client, consultation, frozen_now):
    response = client.post(form_url(consultation), FORM)
    assert response.status_code == 302 and response["Location"] == form_url(consultation) + "?sent=1#sent"
    comment = Comment.objects.get()
    assert (comment.section.code, comment.body, comment.name, comment.organisation, comment.email, comment.status) == (
        "wood_chips", FORM["body"], "Dara Sok", "Kampong Boilers", "dara@example.org", "new")
    assert comment.client_key == services.client_key("127.0.0.1")
    page = client.get(response["Location"]).content.decode()
    assert "your comment was received. It is read only by the guideline's authors" in page
    assert 'data-testid="comment-form"' in page and FORM["body"] not in page


def test_a_bad_input_is_named_on_the_form_and_nothing_is_stored(client, consultation, frozen_now):
    response = client.post(form_url(consultation), {**FORM, "body": "", "email": "dara(at)example"})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<span class="error" data-testid="error-body">Write your comment.</span>' in page
    assert "Enter an e-mail address such as name@example.org, or leave it empty." in page
    assert 'value="Dara Sok"' in page   # what was typed is kept
    assert Comment.objects.count() == 0


def test_strange_input_never_answers_500(client, consultation, frozen_now):
    """A list where a text is expected, an unknown section, a huge number of fields of junk: each a 400 form."""
    for data in ({"section": ["a", "b"], "body": ["x", "y"]}, {"section": "x" * 10000, "body": "ok"},
                 {"body": "ok", "section": "general", "email": "@" * 300}):
        response = client.post(form_url(consultation), data)
        assert response.status_code == 400, data
    assert Comment.objects.count() == 0


def test_a_filled_honeypot_is_answered_as_received(client, consultation, frozen_now):
    response = client.post(form_url(consultation), {**FORM, "website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"].endswith("?sent=1#sent")
    assert list(Comment.objects.values_list("status", flat=True)) == ["flagged_spam"]


def test_a_body_over_the_cap_is_refused_before_it_is_read(client, consultation, frozen_now, settings):
    """Given a cap of 1 KiB, when a 2,000-character comment is posted (more than 1,024 bytes), then the form answers
    413 with its error and nothing is stored (not even a CSRF check ran: the body was never read)."""
    settings.CONSULTATION_MAX_BODY_BYTES = 1024
    response = client.post(form_url(consultation), {**FORM, "body": "x" * 2000})
    page = response.content.decode()
    assert response.status_code == 413
    assert "Your comment is too large to send (more than 1 kB). Shorten it or send it as two comments." in page
    assert Comment.objects.count() == 0


def test_the_default_cap_lets_the_longest_comment_in_khmer_through(client, consultation, frozen_now):
    """5,000 Khmer characters (3 bytes each in UTF-8, 9 once form-encoded: 45,000 bytes) and full optional fields
    fit in the default 64 KiB."""
    response = client.post(form_url(consultation), {**FORM, "body": "ក" * 5000, "name": "ក" * 200, "organisation": "ក" * 200})
    assert response.status_code == 302
    assert len(Comment.objects.get().body) == 5000


def test_a_rate_limited_client_gets_the_message_on_the_form(client, consultation, frozen_now):
    for _ in range(5):
        assert client.post(form_url(consultation), FORM).status_code == 302
    response = client.post(form_url(consultation), FORM)
    assert response.status_code == 400
    assert "Please wait 10 minutes and send it again." in response.content.decode()
    assert Comment.objects.count() == 5


def test_a_closed_period_says_so_and_has_no_form(client, consultation, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: CLOSES + datetime.timedelta(days=1))
    page = client.get(form_url(consultation)).content.decode()
    assert 'data-testid="period-closed"' in page and "Comments are no longer received." in page
    assert 'data-testid="comment-form"' not in page
    response = client.post(form_url(consultation), FORM)
    assert response.status_code == 400
    assert "This comment period closed on Jan. 31, 2027; comments are no longer received." in response.content.decode()
    assert Comment.objects.count() == 0
    assert "First public comment" not in client.get(reverse("consultations:public")).content.decode()


def test_a_period_not_yet_open_is_not_found(client, consultation, frozen_now):
    later = services.period_create(by=consultation.world.users["admin"], guideline=consultation.guideline, title="Later",
                                   opens_at=CLOSES, closes_at=CLOSES + datetime.timedelta(days=30))
    assert client.get(reverse("consultations:period", args=[later.pk])).status_code == 404
    assert client.get(reverse("consultations:period", args=[999999])).status_code == 404


# --- the authors' pages ---------------------------------------------------------------------------------------------

def _comment(consultation, **fields):
    data = {"section": "rice_husk", "body": "Husk ash is high in silica.", "name": "Lan Nguyen", "email": "lan@example.org",
            **fields}
    return services.comment_submit(period=consultation.period, client_address="1.1.1.1", **data)


def test_the_author_reads_the_comments_by_section_with_counts_and_marks_one_read(client, consultation, frozen_now):
    first = _comment(consultation)
    _comment(consultation, section="general", body="Add a glossary.", name="", email="")
    client.force_login(consultation.author)
    manage = client.get(reverse("consultations:manage")).content.decode()
    assert '<td data-testid="count-total">2</td><td>2</td><td>0</td>' in manage
    page = client.get(reverse("consultations:period_comments", args=[consultation.period.pk])).content.decode()
    assert page.index('data-section="general"') < page.index('data-section="rice_husk"')
    assert "Husk ash is high in silica." in page and "lan@example.org" in page
    response = client.post(reverse("consultations:comment_mark", args=[first.pk]), {"status": "read"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "read"
    page = client.get(reverse("consultations:period_comments", args=[consultation.period.pk]) + "?status=new").content.decode()
    assert "Add a glossary." in page and "Husk ash" not in page


def test_the_author_removes_a_sender_s_details(client, consultation, frozen_now):
    comment = _comment(consultation)
    client.force_login(consultation.author)
    response = client.post(reverse("consultations:comment_redact", args=[comment.pk]))
    assert response.status_code == 302
    page = client.get(reverse("consultations:period_comments", args=[consultation.period.pk])).content.decode()
    assert "Lan Nguyen" not in page and "lan@example.org" not in page and "Husk ash is high in silica." in page
    assert "Personal details removed on Dec. 2, 2026 by author." in page


def test_the_author_downloads_csv_and_xlsx_and_the_downloads_are_recorded(client, consultation, frozen_now):
    _comment(consultation)
    client.force_login(consultation.author)
    for fmt, kind in (("csv", "text/csv; charset=utf-8"), ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        response = client.get(reverse("consultations:export", args=[consultation.period.pk, fmt]))
        assert response.status_code == 200 and response["Content-Type"] == kind
        assert response["Content-Disposition"] == f'attachment; filename="comments-biomass-guidelines-{consultation.period.pk}.{fmt}"'
    assert client.get(reverse("consultations:export", args=[consultation.period.pk, "pdf"])).status_code == 404
    assert CommentExport.objects.count() == 2
    page = client.get(reverse("consultations:period_comments", args=[consultation.period.pk])).content.decode()
    assert "author, Dec. 2, 2026" in page


def test_the_author_s_home_lists_new_comments_to_read(client, consultation, frozen_now):
    _comment(consultation)
    _comment(consultation, section="general")
    client.force_login(consultation.author)
    page = client.get(reverse("home")).content.decode()
    assert 'data-queue="comments_to_read"' in page
    assert reverse("consultations:period_comments", args=[consultation.period.pk]) in page
    assert "2 new comments" in page and "Sustainable Biomass Guidelines: First public comment" in page
    admin_home = client.get(reverse("home"))
    client.force_login(consultation.world.users["admin"])
    admin_page = client.get(reverse("home")).content.decode()
    assert admin_home.status_code == 200 and 'data-queue="comments_to_read"' not in admin_page
    assert reverse("consultations:period_comments", args=[consultation.period.pk]) not in admin_page
    assert reverse("consultations:manage") in admin_page   # the admin runs the periods (no counts there)


def test_a_programme_admin_who_is_not_an_author_opens_and_closes_periods_without_seeing_counts(client, consultation, frozen_now):
    _comment(consultation)
    client.force_login(consultation.world.users["admin"])
    manage = client.get(reverse("consultations:manage")).content.decode()
    assert "Read only by the guideline's authors" in manage and 'data-testid="count-total"' not in manage
    assert 'href="%s"' % reverse("consultations:period_comments", args=[consultation.period.pk]) not in manage
    response = client.post(reverse("consultations:period_new"), {
        "guideline": consultation.guideline.pk, "title": "Second round", "intro": "",
        "opens_at": "2026-12-03T00:00", "closes_at": "2026-12-01T00:00"})
    assert response.status_code == 400 and "The period must close after it opens." in response.content.decode()
    assert CommentPeriod.objects.count() == 1
    response = client.post(reverse("consultations:period_new"), {
        "guideline": consultation.guideline.pk, "title": "Second round", "intro": "",
        "opens_at": "2026-12-03T00:00", "closes_at": "2027-01-03T00:00"})
    assert response.status_code == 302 and CommentPeriod.objects.count() == 2
    response = client.post(reverse("consultations:period_close", args=[consultation.period.pk]))
    consultation.period.refresh_from_db()
    assert response.status_code == 302 and consultation.period.closes_at == NOW
    assert AuditEvent.objects.filter(object_type="consultations.commentperiod", actor=consultation.world.users["admin"]).count() == 3
