"""The sweep costs a fixed number of queries whatever the number of users and facilities, plus one per e-mail;
the header count is one query."""

from __future__ import annotations

import datetime
import math

from django.db import connection
from django.test.utils import CaptureQueriesContext

from loomlight.notifications.services import notifications_sweep
from loomlight.registry.models import Consent, Facility, Membership
from tests.notifications.conftest import RETURNED, VERIFIED, at, month_in

MARCH = datetime.date(2026, 3, 1)


def _grow(people, django_user_model, upto: int) -> None:
    """Mills up to ``upto`` in all, each with a data-entry user and a manager, a returned February, a verified
    March and a consent to the brand granted this week."""
    for i in range(Facility.objects.filter(name__startswith="Mill ").count(), upto):
        f = Facility.objects.create(name=f"Mill {i}", country="VN", tier=1, processes=[])
        for role in ("facility_data_entry", "facility_manager"):
            u = django_user_model.objects.create_user(username=f"{role}-{i}", email=f"{role}-{i}@example.org")
            Membership.objects.create(user=u, role=role, facility=f)
        month_in(f, datetime.date(2026, 2, 1), RETURNED, by=u, submitted_at=at(3), comment="check")
        month_in(f, MARCH, VERIFIED, by=u, submitted_at=at(4), verified_at=at(5), verified_by=people.users["assessor"])
        Consent.objects.create(facility=f, grantee=people.brand, data_kinds=["profile"],
                               valid_from=datetime.date(2026, 4, 1), granted_by=u, granted_at=at(6))


def _queries(**kw) -> int:
    with CaptureQueriesContext(connection) as ctx:
        notifications_sweep(**kw)
    return len(ctx.captured_queries)


def _reads_and_inserts(**kw) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        notifications_sweep(**kw)
    inserts = sum(q["sql"].lstrip().upper().startswith("INSERT") for q in ctx.captured_queries)
    return len(ctx.captured_queries) - inserts, inserts


def _insert_statements(rows: int) -> int:
    """Statements a bulk insert of ``rows`` notifications takes: 500 a statement, fewer where the database limits
    the variables of one statement (SQLite: 999 / 14 columns = 71)."""
    limit = connection.features.max_query_params
    batch = min(500, limit // 14) if limit else 500
    return math.ceil(rows / batch)


def test_the_sweep_stores_in_the_same_number_of_queries_for_2_or_20_more_facilities(people, clock, django_user_model):
    from loomlight.notifications.models import Notification

    clock.move_to(at(16))
    counts, stored = [], []
    for mills in (2, 20):
        # given: that many mills (the notifications of the previous round forgotten)
        _grow(people, django_user_model, mills)
        Notification.objects.all().delete()
        # when
        counts.append(_reads_and_inserts(send=False))
        stored.append(Notification.objects.count())
    # then: the world's 4 months due (March, to the staff of Own Dyehouse and Neighbour Sewing); per mill, its 2
    # users told of March verified, February returned and February overdue (due 20 March), and the brand told
    # of the consent (its manager granted it)
    assert stored == [4 + 2 * 7, 4 + 20 * 7]
    # and: the same reads, pinned: staff (1), months due on 16 April and months overdue (1 each), reviews (1),
    # consents (1), users and settings (2), existing keys (1); the insert in batches
    assert counts == [(8, _insert_statements(18)), (8, _insert_statements(144))]


def test_sending_costs_two_queries_and_one_per_mail(people, clock, django_user_model):
    from loomlight.notifications.models import EmailState, Notification

    clock.move_to(at(16))
    notifications_sweep(send=False)
    pending = Notification.objects.filter(email_state=EmailState.PENDING).count()
    assert pending == 4
    # a sweep with nothing new to store: 8 reads to find that out (no insert), the claim (1), the claimed rows
    # (1), and one update per mail
    assert _queries() == 8 + 2 + pending


def test_the_header_count_is_one_query(people, django_assert_num_queries):
    from loomlight.notifications.selectors import unread_count

    user = people.users["data_entry"]
    with django_assert_num_queries(1):
        assert unread_count(user) == 0
