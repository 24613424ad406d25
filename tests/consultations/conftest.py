"""A guideline of the test world's programme with one author (a programme admin of it) and an open comment
period. ``world.users["admin"]`` is a programme admin of the same programme who is not an author."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

OPENS = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
CLOSES = datetime.datetime(2027, 1, 31, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)


@dataclass
class Consultation:
    world: object
    author: object
    guideline: object
    period: object


@pytest.fixture
def consultation(world, django_user_model) -> Consultation:
    from loomlight.consultations import services
    from loomlight.registry.models import Membership

    author = django_user_model.objects.create_user(username="author", password="x-author-pw-123")
    Membership.objects.create(user=author, role="programme_admin", programme=world.programme)
    guideline = services.biomass_guideline_seed(by=world.users["admin"], programme=world.programme, authors=[author])
    period = services.period_create(by=world.users["admin"], guideline=guideline, title="First public comment",
                                    opens_at=OPENS, closes_at=CLOSES, intro="Tell us what to improve.")
    return Consultation(world, author, guideline, period)


@pytest.fixture
def frozen_now(monkeypatch):
    """timezone.now() is NOW everywhere the app asks."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW
