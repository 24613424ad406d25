"""Loading the demo into an empty database: the same seed gives the same demo,
passwords only when asked for, conflicts change nothing, and the command."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from loomlight.demo.generator import DEMO_PASSWORD, DemoConflict, load_demo
from loomlight.demo.management.commands.load_demo import Command as LoadDemoCommand
from loomlight.programmes.models import Programme
from loomlight.registry.models import Facility, Organisation
from tests.demo.helpers import BUILD_DAY, EXPECTED_LOGINS, load_in_fresh_database, user


def test_two_loads_into_fresh_databases_agree(db):
    # given two loads on the same day, one in the morning and one in the evening
    with time_machine.travel(BUILD_DAY, tick=False):
        first = load_in_fresh_database(2026)
    assert not Programme.objects.exists() and not Facility.objects.exists()
    with time_machine.travel(BUILD_DAY + datetime.timedelta(hours=9), tick=False):
        second = load_in_fresh_database(2026)
    # then they hold the same demo, to the dates of its months, samples and consents
    assert first == second
    assert first[0].logins == EXPECTED_LOGINS
    with time_machine.travel(BUILD_DAY, tick=False):
        other = load_in_fresh_database(7)
    assert other[1] != first[1] and other[2] != first[2] and other[3] != first[3]
    assert (other[0].facilities, other[0].consents) == (first[0].facilities, first[0].consents)


def _usable() -> dict[str, bool]:
    return {u.username: u.has_usable_password() for u in get_user_model().objects.all()}


def test_passwords_when_asked_for(db):
    summary = load_demo(with_passwords=True)
    assert summary.passwords is True
    assert len(_usable()) == 8
    for u in get_user_model().objects.all():
        assert u.check_password(DEMO_PASSWORD), u
        assert not u.check_password("loomlight"), u


def test_passwords_in_demo_mode_unless_refused(db, settings):
    settings.DEMO_MODE = True
    assert load_in_fresh_database(2026)[0].passwords is True
    summary = load_demo(with_passwords=False)
    assert summary.passwords is False
    assert _usable() == {login.username: False for login in EXPECTED_LOGINS}


def test_existing_demo_names_stop_the_load_and_change_nothing(db, django_user_model):
    django_user_model.objects.create_user(username="admin", password="someone-else-123")
    Organisation.objects.create(name="Verdalia Apparel", kind="brand", country="SE")
    with pytest.raises(DemoConflict, match=r"usernames: admin; organisations: Verdalia Apparel\."):
        load_demo()
    assert not Programme.objects.exists() and not Facility.objects.exists()
    assert Organisation.objects.count() == 1 and django_user_model.objects.count() == 1


def test_the_command_prints_the_summary_and_logins(db):
    out = io.StringIO()
    call_command(LoadDemoCommand(), "--seed", "2026", stdout=out)
    text = out.getvalue()
    assert "Demo programme Mekong Clean Apparel Alliance (mekong-demo): created." in text
    assert "4 parks, 66 facilities (22 outside parks)" in text
    assert "passwords unusable" in text and DEMO_PASSWORD not in text
    assert re.search(r"^  manager +facility_manager +Hung Phat Sportswear$", text, re.M)
    out = io.StringIO()
    call_command(LoadDemoCommand(), "--with-passwords", stdout=out)
    assert "already present, nothing changed" in out.getvalue()
    assert "passwords unusable" in out.getvalue()  # the existing logins keep theirs


def test_the_command_sets_passwords_when_asked(db):
    out = io.StringIO()
    call_command("load_demo", "--with-passwords", stdout=out)  # by name: the app is installed
    assert f"Logins (password: {DEMO_PASSWORD}):" in out.getvalue()
    assert user("brand").check_password(DEMO_PASSWORD)


def test_the_command_reports_a_conflict(db, django_user_model):
    from django.core.management.base import CommandError

    django_user_model.objects.create_user(username="operator", password="someone-else-123")
    with pytest.raises(CommandError, match="usernames: operator"):
        call_command(LoadDemoCommand(), stdout=io.StringIO())
