"""Separation of duties: nobody verifies a month they entered, changed, uploaded or submitted, whatever their roles.

The world's `reviewer` holds two roles: data entry at the Own Dyehouse and assessor of the programme
that enrols its park; the `operator` is a Django superuser. Both may verify by the policy, and both
are refused for a month they wrote, through the service, the page and the API alike.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.registry.models import Membership
from loomlight.registry.policy import Action, can
from loomlight.reporting import selectors, services
from loomlight.reporting.models import PeriodStatus, ReportingPeriod
from tests.api.conftest import Api
from tests.reporting.test_fuel_properties import _evidence
from tests.reporting.test_import_service import fill, run, save, template

JAN = datetime.date(2025, 1, 1)
FEB = datetime.date(2025, 2, 1)
ENTERED = "You entered or changed values of 2025-01: another reviewer must verify it."
SUBMITTED = "You submitted 2025-01: another reviewer must verify it."


@pytest.fixture
def reviewer(world, django_user_model):
    user = django_user_model.objects.create_user(username="reviewer", password="x-reviewer-pw-123")
    Membership.objects.create(user=user, role="facility_data_entry", facility=world.own)
    Membership.objects.create(user=user, role="assessor", programme=world.programme)
    world.users["reviewer"] = user
    return user


def _set(world, who, period=JAN, value=12.5):
    return services.activity_value_set(by=world.users[who], facility=world.own, period=period, metric="electricity_grid",
                                       value=value, unit="MWh")


def _submit(world, who, period=JAN):
    return services.period_submit(by=world.users[who], facility=world.own, period=period)


def _state(period=JAN):
    month = ReportingPeriod.objects.get(period=period)
    return month.status, month.verified_at, month.verified_by_id, AuditEvent.objects.count()


def _refused(world, who, message, period=JAN):
    """Then: verifying is refused with ``message`` and nothing changed (status, verifier, audit trail)."""
    before = _state(period)
    with pytest.raises(ValidationError) as exc_info:
        services.period_verify(by=world.users[who], facility=world.own, period=period)
    assert exc_info.value.message_dict == {NON_FIELD_ERRORS: [message]}
    assert _state(period) == before
    assert before[0] == PeriodStatus.SUBMITTED


def test_both_may_verify_by_the_policy(world, reviewer):
    assert can(reviewer, Action.VERIFY, world.own) and can(reviewer, Action.ENTER_DATA, world.own)
    assert can(world.users["operator"], Action.VERIFY, world.own)


@pytest.mark.parametrize("who", ["reviewer", "operator"])
def test_refused_for_a_month_they_entered(world, reviewer, who):
    # given: they entered January's value, the data-entry clerk submitted it
    _set(world, who)
    _submit(world, "data_entry")
    # when / then
    _refused(world, who, ENTERED)


@pytest.mark.parametrize("who", ["reviewer", "operator"])
def test_refused_for_a_month_they_submitted(world, reviewer, who):
    # given: the clerk entered January, they submitted it
    _set(world, "data_entry")
    _submit(world, who)
    _refused(world, who, SUBMITTED)


@pytest.mark.parametrize("who", ["reviewer", "operator"])
def test_allowed_for_another_users_month(world, reviewer, who):
    # given: January entered and submitted by the clerk; they wrote February only
    _set(world, "data_entry")
    _submit(world, "data_entry")
    _set(world, who, period=FEB)
    # when
    month = services.period_verify(by=world.users[who], facility=world.own, period=JAN)
    # then
    assert (month.status, month.verified_by) == (PeriodStatus.VERIFIED, world.users[who])
    assert AuditEvent.objects.filter(object_type="reporting.reportingperiod", object_id=str(month.pk),
                                     actor=world.users[who], after__status="verified").count() == 1


def test_a_value_corrected_by_someone_else_still_counts_its_first_author(world, reviewer):
    # given: the reviewer entered January's value, the clerk corrected it (now entered_by the clerk) and submitted
    row = _set(world, "reviewer")
    row = _set(world, "data_entry", value=13.0)
    assert row.entered_by == world.users["data_entry"]
    _submit(world, "data_entry")
    # then: the audit trail remembers the first version
    _refused(world, "reviewer", ENTERED)


def test_an_earlier_submission_counts_after_a_return(world, reviewer):
    # given: the reviewer submitted January, the assessor returned it, the clerk submitted it again
    _set(world, "data_entry")
    _submit(world, "reviewer")
    services.period_return(by=world.users["assessor"], facility=world.own, period=JAN, comment="Attach the bill")
    month = _submit(world, "data_entry")
    assert month.submitted_by == world.users["data_entry"]
    # then
    _refused(world, "reviewer", SUBMITTED)


def test_the_uploader_of_the_import_that_wrote_the_values_is_refused(world, reviewer, tmp_path):
    # given: the reviewer uploaded a workbook with January's grid electricity; the clerk submitted the month
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 1250)
    result = run(world, save(wb, tmp_path), user="reviewer")
    assert (result.ok, result.created) == (True, 1)
    _submit(world, "data_entry")
    _refused(world, "reviewer", ENTERED)
    # and another reviewer may verify it
    assert services.period_verify(by=world.users["assessor"], facility=world.own, period=JAN).status == PeriodStatus.VERIFIED


def test_a_conversion_changed_by_a_fuel_property_counts_as_changing_the_value(world, reviewer):
    # given: the clerk reported January's diesel in litres; the reviewer recorded the supplier's NCV, which
    # converted that value again (audited with the reviewer as actor); the clerk submitted
    services.activity_value_set(by=world.users["data_entry"], facility=world.own, period=JAN, metric="fuel_diesel",
                                value=1000, unit="L")
    services.fuel_property_create(by=world.users["reviewer"], facility=world.own, metric="fuel_diesel", valid_from=JAN,
                                  evidence=_evidence(world), ncv_value=42.5, ncv_unit="GJ/t")
    _submit(world, "data_entry")
    _refused(world, "reviewer", ENTERED)


def test_their_own_month_may_be_returned_for_correction(world, reviewer):
    # given: the reviewer entered and submitted January
    _set(world, "reviewer")
    _submit(world, "reviewer")
    # when: they return it (withdrawing it vouches for nothing)
    month = services.period_return(by=reviewer, facility=world.own, period=JAN, comment="Wrong meter read")
    # then: it is open for correction, and must be submitted and verified again, by another reviewer
    assert month.status == PeriodStatus.RETURNED
    _submit(world, "reviewer")
    _refused(world, "reviewer", ENTERED)


def test_months_written_by_reads_a_year_in_two_queries(world, reviewer, django_assert_num_queries):
    # given: the clerk entered January to March, the reviewer corrected February and submitted March
    for month in range(1, 4):
        _set(world, "data_entry", period=datetime.date(2025, month, 1))
    _set(world, "reviewer", period=FEB, value=20)
    _submit(world, "reviewer", period=datetime.date(2025, 3, 1))
    periods = [datetime.date(2025, m, 1) for m in range(1, 13)]
    # when / then
    with django_assert_num_queries(2):
        assert selectors.months_written_by(reviewer, world.own, periods) == {FEB: "entered", datetime.date(2025, 3, 1): "submitted"}
    with django_assert_num_queries(2):
        assert selectors.months_written_by(world.users["data_entry"], world.own, periods) == {
            JAN: "entered", FEB: "entered", datetime.date(2025, 3, 1): "entered"}
    assert selectors.months_written_by(world.users["assessor"], world.own, periods) == {}


def _page(client, world):
    return client.get(reverse("reporting:facility_year", args=[world.own.pk, 2025])).content.decode()


def test_the_page_offers_verify_only_for_months_they_did_not_write(client, world, reviewer):
    # given: January entered by the reviewer, February by the clerk; both submitted by the clerk
    _set(world, "reviewer")
    _set(world, "data_entry", period=FEB)
    _submit(world, "data_entry")
    _submit(world, "data_entry", period=FEB)
    verify_jan = reverse("reporting:transition", args=[world.own.pk, 2025, 1, "verify"])
    verify_feb = reverse("reporting:transition", args=[world.own.pk, 2025, 2, "verify"])
    return_jan = reverse("reporting:transition", args=[world.own.pk, 2025, 1, "return"])
    # when
    client.force_login(reviewer)
    body = _page(client, world)
    # then: no verify button for January, and the reason is said; February may be verified; January may be returned
    assert verify_jan not in body
    assert f'<small class="cell-note" data-testid="verify-refused">{ENTERED}</small>' in body
    assert verify_feb in body and return_jan in body
    # and the assessor, who wrote nothing, is offered both
    client.force_login(world.users["assessor"])
    body = _page(client, world)
    assert verify_jan in body and verify_feb in body and "verify-refused" not in body


def test_a_forged_post_is_refused_with_the_reason_and_changes_nothing(client, world, reviewer):
    _set(world, "reviewer")
    _submit(world, "data_entry")
    before = _state()
    client.force_login(reviewer)
    response = client.post(reverse("reporting:transition", args=[world.own.pk, 2025, 1, "verify"]), follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [ENTERED]
    assert _state() == before


def test_the_api_answers_422_with_the_reason(client, world, reviewer):
    api = Api(client, world)
    _set(world, "reviewer")
    _submit(world, "data_entry")
    before = _state()
    response = api.post("reviewer", f"/facilities/{world.own.pk}/periods/2025-01/verify")
    assert response.status_code == 422
    assert response.json() == {"error": {"code": "validation_error", "message": ENTERED, "fields": {}}}
    assert _state()[:3] == before[:3]
    # the token issued for the call is the only new audit event
    assert AuditEvent.objects.count() == before[3] + 1
    assert AuditEvent.objects.latest("id").object_type == "api.apitoken"
