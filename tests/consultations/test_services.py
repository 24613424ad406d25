"""The rules of public comments (consultations.services): limits, rate limit, honeypot, closed periods, marking,
removal of personal details, exports, who runs periods. On every refusal: the exact message and nothing stored."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from loomlight.audit.models import AuditEvent
from loomlight.consultations import services
from loomlight.consultations.models import Comment, CommentExport, CommentPeriod, GuidelineSection
from loomlight.consultations.sections import BIOMASS_SECTIONS
from tests.consultations.conftest import CLOSES, NOW, OPENS

ADDRESS = "203.0.113.7"
MINUTE = datetime.timedelta(minutes=1)


def submit(consultation, *, now=NOW, address=ADDRESS, **fields):
    data = {"section": "rice_husk", "body": "Moisture of rice husk is higher in the wet season.", **fields}
    return services.comment_submit(period=consultation.period, client_address=address, now=now, **data)


def messages(exc) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- sections --------------------------------------------------------------------------------------------------------

def test_the_biomass_guideline_has_the_chapters_and_one_section_per_biomass_type_in_order(consultation):
    codes = list(consultation.guideline.sections.values_list("code", flat=True))
    assert codes[:7] == ["general", "biomass_types", "moisture_and_heating_value", "value_chain_risks", "screening",
                         "fuel_switch", "certification"]
    assert codes[7:] == ["rice_husk", "wood_chips", "wood_pellets", "sawdust", "bagasse", "cashew_nut_shells",
                         "palm_kernel_shells", "coconut_shells", "corn_cobs", "cassava_rhizomes", "empty_fruit_bunches",
                         "coffee_husks", "agricultural_residues_other", "plantation_wood", "natural_forest_wood"]
    assert len(codes) == len(BIOMASS_SECTIONS) == 22


def test_seeding_again_adds_a_section_given_and_keeps_the_others(consultation):
    """Given the seeded guideline, when another caller seeds it with a list holding one new code, then the new
    section is added after "general" (always kept first) and none of the 22 is removed."""
    admin = consultation.world.users["admin"]
    services.biomass_guideline_seed(by=admin, programme=consultation.world.programme,
                                    sections=[("storage", "Storage of biomass")])
    sections = GuidelineSection.objects.filter(guideline=consultation.guideline)
    assert sections.count() == 23
    assert sections.get(code="storage").order == 1 and sections.get(code="general").order == 0


def test_an_author_must_be_a_programme_admin_of_the_guideline_s_programme(consultation):
    brand = consultation.world.users["brand"]
    with pytest.raises(ValidationError) as exc:
        services.guideline_authors_set(by=consultation.world.users["admin"], guideline=consultation.guideline,
                                       authors=[consultation.author, brand])
    assert messages(exc) == {"authors": ["An author must be a programme admin of the guideline's programme: brand."]}
    assert list(consultation.guideline.authors.all()) == [consultation.author]


# --- the public form's limits ------------------------------------------------------------------------------------------

def test_a_comment_is_stored_with_a_keyed_hash_of_the_address_and_audited_without_text_or_person(consultation):
    """Given an open period, when anyone comments with a name and an e-mail, then the comment is stored with the
    client key (64 hex characters, not the address) and the audit event names no text and no person."""
    comment = submit(consultation, name="Lan Nguyen", organisation="Mekong Fibres", email="lan@example.org")
    comment.refresh_from_db()
    assert (comment.section.code, comment.status, comment.name, comment.email) == ("rice_husk", "new", "Lan Nguyen", "lan@example.org")
    assert len(comment.client_key) == 64 and ADDRESS not in comment.client_key
    assert comment.client_key == services.client_key(ADDRESS) != services.client_key("203.0.113.8")
    event = AuditEvent.objects.get(object_type="consultations.comment", object_id=str(comment.pk))
    assert event.actor is None and event.via == "public"
    assert event.after == {"period": consultation.period.pk, "section": "rice_husk", "status": "new", "redacted_at": None}
    assert "Lan" not in str(event.object_repr) and "Moisture" not in str(event.after)


@pytest.mark.parametrize(("fields", "expected"), [
    ({"body": "   "}, {"body": ["Write your comment."]}),
    ({"body": "x" * 5001}, {"body": ["Your comment is 5,001 characters long; at most 5,000 fit. Shorten it or send it as two comments."]}),
    ({"name": "n" * 201}, {"name": ["Your name is 201 characters long; at most 200."]}),
    ({"organisation": "o" * 201}, {"organisation": ["Your organisation is 201 characters long; at most 200."]}),
    ({"email": "not-an-address"}, {"email": ["Enter an e-mail address such as name@example.org, or leave it empty."]}),
    ({"email": "a" * 243 + "@example.org"}, {"email": ["The e-mail address is 255 characters long; at most 254."]}),
    ({"section": "no_such_section"}, {"section": ["Choose the section of the guideline your comment is about."]}),
    ({"section": ""}, {"section": ["Choose the section of the guideline your comment is about."]}),
])
def test_a_field_over_its_limit_is_named_and_nothing_is_stored(consultation, fields, expected):
    with pytest.raises(ValidationError) as exc:
        submit(consultation, **fields)
    assert messages(exc) == expected
    assert Comment.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="consultations.comment").exists()


def test_the_limits_are_inclusive_and_line_breaks_count_as_one_character(consultation):
    """5,000 characters of which 1,000 are Windows line breaks (sent as CR LF by a browser): 5,000, accepted."""
    body = ("ab\r\n" * 1000) + "c" * 2000   # 1,000 x (a, b, line break) + 2,000 = 5,000 characters once normalised
    comment = submit(consultation, body=body, name="n" * 200, organisation="o" * 200, email="a" * 242 + "@example.org")
    assert len(comment.body) == 5000 and len(comment.email) == 254


def test_a_section_of_another_guideline_is_refused(consultation):
    from loomlight.consultations.models import Guideline

    other = Guideline.objects.create(code="water", version="1", title="Water", programme=consultation.world.programme)
    section = GuidelineSection.objects.create(guideline=other, code="general", title="All")
    with pytest.raises(ValidationError) as exc:
        submit(consultation, section=section)
    assert messages(exc) == {"section": ["Choose the section of the guideline your comment is about."]}
    assert Comment.objects.count() == 0


def test_a_closed_period_refuses_with_its_closing_day_and_a_period_not_yet_open_refuses_too(consultation):
    with pytest.raises(ValidationError) as exc:
        submit(consultation, now=CLOSES)   # closes_at itself is closed
    assert messages(exc) == {"__all__": ["This comment period closed on Jan. 31, 2027; comments are no longer received."]}
    with pytest.raises(ValidationError) as exc:
        submit(consultation, now=OPENS - MINUTE)
    assert messages(exc) == {"__all__": ["This comment period is not open yet."]}
    assert Comment.objects.count() == 0


# --- rate limit ---------------------------------------------------------------------------------------------------------

def test_five_comments_in_ten_minutes_then_the_sixth_waits_until_the_first_leaves_the_window(consultation):
    """Given 5 comments at 09:00, 09:01, ..., 09:04 from one address, when a sixth is sent at 09:04, then it is
    refused: the 09:00 comment leaves the window at 09:10, so the wait is 6 minutes. Another address is not
    limited; at 09:10:01 the same address may send again."""
    for i in range(5):
        submit(consultation, now=NOW + i * MINUTE)
    with pytest.raises(ValidationError) as exc:
        submit(consultation, now=NOW + 4 * MINUTE)
    assert messages(exc) == {"__all__": ["You have sent many comments in a short time. Please wait 6 minutes and send it again."]}
    assert Comment.objects.count() == 5
    submit(consultation, now=NOW + 4 * MINUTE, address="198.51.100.1")
    submit(consultation, now=NOW + 10 * MINUTE + datetime.timedelta(seconds=1))
    assert Comment.objects.count() == 7


def test_thirty_comments_a_day_then_the_thirty_first_waits_for_the_first_to_be_a_day_old(consultation):
    """30 comments 11 minutes apart (never 5 in a window) from 09:00 to 14:19; the 31st at 14:30 waits until
    09:00 the next day: 1,110 minutes."""
    for i in range(30):
        submit(consultation, now=NOW + i * 11 * MINUTE)
    with pytest.raises(ValidationError) as exc:
        submit(consultation, now=NOW + 330 * MINUTE)
    assert messages(exc) == {"__all__": ["You have sent many comments in a short time. Please wait 1,110 minutes and send it again."]}
    assert Comment.objects.count() == 30


@override_settings(CONSULTATION_COMMENTS_PER_WINDOW=1, CONSULTATION_WINDOW_SECONDS=60)
def test_the_limits_are_settings(consultation):
    submit(consultation)
    with pytest.raises(ValidationError) as exc:
        submit(consultation, now=NOW + datetime.timedelta(seconds=30))
    assert messages(exc) == {"__all__": ["You have sent many comments in a short time. Please wait 1 minute and send it again."]}


# --- honeypot ---------------------------------------------------------------------------------------------------------

def test_a_filled_honeypot_is_stored_as_spam_and_counts_against_the_limit_then_is_dropped(consultation):
    """Given a bot filling the hidden field, when it sends 7 comments at once, then the first 5 are stored as spam
    (the authors can still find a genuine one) and the last 2 are dropped without an error (the caller answers
    "received" either way)."""
    results = [submit(consultation, honeypot="http://spam.example") for _ in range(7)]
    assert [r is None for r in results] == [False] * 5 + [True] * 2
    assert set(Comment.objects.values_list("status", flat=True)) == {"flagged_spam"}
    assert Comment.objects.count() == 5


# --- the authors' work -----------------------------------------------------------------------------------------------

def test_removing_personal_details_clears_them_for_good_keeps_the_text_and_is_audited_without_them(consultation):
    comment = submit(consultation, name="Lan Nguyen", organisation="Mekong Fibres", email="lan@example.org")
    services.comment_redact(by=consultation.author, comment=comment, now=NOW + MINUTE)
    comment.refresh_from_db()
    assert (comment.name, comment.organisation, comment.email, comment.client_key) == ("", "", "", "")
    assert comment.body == "Moisture of rice husk is higher in the wet season."
    assert (comment.redacted_at, comment.redacted_by) == (NOW + MINUTE, consultation.author)
    event = AuditEvent.objects.filter(object_type="consultations.comment", object_id=str(comment.pk)).first()
    assert event.actor == consultation.author
    assert event.before["details"] == ["client_key", "email", "name", "organisation"] and event.after["details"] == []
    trail = str(list(AuditEvent.objects.values_list("before", "after", "object_repr")))
    assert "Lan" not in trail and "lan@example.org" not in trail and "Mekong Fibres" not in trail
    with pytest.raises(ValidationError) as exc:
        services.comment_redact(by=consultation.author, comment=comment)
    assert messages(exc) == {"__all__": ["The personal details of this comment were already removed."]}


def test_only_an_author_marks_redacts_or_exports(consultation):
    comment = submit(consultation, name="Lan Nguyen")
    for user in ("admin", "operator", "brand", "manager"):
        by = consultation.world.users[user]
        with pytest.raises(PermissionDenied):
            services.comment_mark(by=by, comment=comment, status="read")
        with pytest.raises(PermissionDenied):
            services.comment_redact(by=by, comment=comment)
        with pytest.raises(PermissionDenied):
            services.comments_export(by=by, period=consultation.period, fmt="csv")
    comment.refresh_from_db()
    assert (comment.status, comment.name, CommentExport.objects.count()) == ("new", "Lan Nguyen", 0)


def test_an_author_who_leaves_the_programme_stops_reading(consultation):
    from loomlight.consultations import access
    from loomlight.registry import policy
    from loomlight.registry.models import Membership

    submit(consultation)
    assert access.comments_readable(consultation.author).count() == 1
    Membership.objects.filter(user=consultation.author).delete()
    policy.forget(consultation.author)
    assert access.comments_readable(consultation.author).count() == 0


def test_the_export_holds_every_comment_with_translated_headers_and_is_recorded(consultation):
    submit(consultation, name="Lan Nguyen", organisation="Mekong Fibres", email="lan@example.org")
    submit(consultation, section="general", body="=HYPERLINK(\"http://x\")", now=NOW + MINUTE)
    body, content_type, name = services.comments_export(by=consultation.author, period=consultation.period, fmt="csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert content_type == "text/csv; charset=utf-8" and name == f"comments-biomass-guidelines-{consultation.period.pk}.csv"
    assert rows == [
        ["received", "section code", "section", "comment", "name", "organisation", "e-mail", "status", "personal details removed"],
        ["2026-12-02 09:01", "general", "The guideline as a whole", "'=HYPERLINK(\"http://x\")", "", "", "", "New", ""],
        ["2026-12-02 09:00", "rice_husk", "Rice husk", "Moisture of rice husk is higher in the wet season.", "Lan Nguyen",
         "Mekong Fibres", "lan@example.org", "New", ""],
    ]
    body, content_type, name = services.comments_export(by=consultation.author, period=consultation.period, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert [c.value for c in sheet[1]][:4] == ["received", "section code", "section", "comment"] and sheet.max_row == 3
    exports = list(CommentExport.objects.order_by("pk").values_list("fmt", "rows", "created_by"))
    assert exports == [("csv", 2, consultation.author.pk), ("xlsx", 2, consultation.author.pk)]
    assert AuditEvent.objects.filter(object_type="consultations.commentexport", actor=consultation.author).count() == 2


# --- periods ---------------------------------------------------------------------------------------------------------

def test_a_programme_admin_opens_and_closes_periods_and_others_may_not(consultation):
    admin, manager = consultation.world.users["admin"], consultation.world.users["manager"]
    with pytest.raises(PermissionDenied):
        services.period_create(by=manager, guideline=consultation.guideline, title="x", opens_at=OPENS, closes_at=CLOSES)
    with pytest.raises(ValidationError) as exc:
        services.period_create(by=admin, guideline=consultation.guideline, title="Second", opens_at=CLOSES, closes_at=OPENS)
    assert messages(exc) == {"closes_at": ["The period must close after it opens."]}
    assert CommentPeriod.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.period_close(by=manager, period=consultation.period, now=NOW)
    services.period_close(by=admin, period=consultation.period, now=NOW)
    consultation.period.refresh_from_db()
    assert consultation.period.closes_at == NOW and not consultation.period.is_open(NOW)
    with pytest.raises(ValidationError) as exc:
        services.period_close(by=admin, period=consultation.period, now=NOW + MINUTE)
    assert messages(exc) == {"__all__": ["This comment period is not open."]}
