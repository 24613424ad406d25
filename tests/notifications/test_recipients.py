"""The bulk recipient rules (``selectors.staff``) agree with the policy, user by user, facility by facility."""

from __future__ import annotations

from loomlight.notifications.selectors import staff
from loomlight.registry import policy
from loomlight.registry.models import Facility, Membership
from loomlight.registry.policy import Action


def test_month_recipients_are_exactly_who_policy_lets_enter_data_except_operators(people):
    s = staff()
    for facility in Facility.objects.all():
        expected = {u.pk for u in people.users.values()
                    if policy.can(u, Action.ENTER_DATA, facility) and not u.is_superuser}
        assert s.month(facility.pk, facility.organisation_id) == expected, facility.name


def test_consent_recipients_are_the_managers_policy_names_and_the_grantees_viewers(people):
    s = staff()
    for facility in Facility.objects.all():
        expected = {u.pk for u in people.users.values()
                    if policy.can(u, Action.MANAGE_CONSENT, facility) and not u.is_superuser}
        assert s.managers(facility.pk, facility.organisation_id) == expected, facility.name
    assert s.grantee(people.brand.pk) == {people.users["brand"].pk}
    assert s.grantee(people.financier.pk) == {people.users["financier"].pk}
    assert s.grantee(people.group.pk) == set()


def test_the_staff_is_read_in_one_query(people, django_assert_num_queries):
    Membership.objects.create(user=people.users["nobody"], role="facility_data_entry", facility=people.outside)
    with django_assert_num_queries(1):
        s = staff()
    assert s.month(people.outside.pk, None) == {people.users["nobody"].pk}
