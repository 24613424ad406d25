"""How the screening pages show the risk engine's result (display only; the stored result is the engine's): a
question's reason in the reader's language with the choice's label and the translated rating, a number with its
unit and band, the framework's own reason kept; no "?:" after a question; and the questions the engine leaves out
(a ``when:`` not met) shown as not applicable, not as not known. Against the shipped framework
(biomass_screening 2026.1), not the tests' mini one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from loomlight.biomass import services, views
from loomlight.biomass.models import Screening
from loomlight.calc.assessment import builtin, risk

SHIPPED = builtin.builtin("biomass_screening", "2026.1")
#: the questions whose when: asks for a woody feedstock (biomass_screening-2026.1.yaml)
WOOD_ONLY = {"origin.geolocation", "legality.permits", "deforestation.natural_forest"}


@pytest.fixture(autouse=True)
def shipped_framework(monkeypatch):
    monkeypatch.setattr(services, "framework", lambda version=None: SHIPPED)
    return SHIPPED


def _row(result, qid):
    return next(q for c in services.result_json(result)["criteria"] for q in c["questions"] if q["id"] == qid)


def test_the_engine_leaves_the_wood_only_questions_out_for_rice_husk():
    # given rice husk as the feedstock, when rated, then no wood-only question is in the result (not unknown, absent)
    result = risk.rate(SHIPPED, {"feedstock.type": "rice_husk"})
    rated = {q.id for c in result.criteria for q in c.questions}
    assert rated & WOOD_ONLY == set() and set(result.missing) & WOOD_ONLY == set()
    # and the page's helper names exactly those (plus no other rated question) as not applicable
    left_out = views.not_applicable(SHIPPED, {"feedstock.type": "rice_husk"})
    assert left_out == WOOD_ONLY
    # given wood chips, the same questions apply (unknown until answered)
    assert views.not_applicable(SHIPPED, {"feedstock.type": "wood_chips"}) & WOOD_ONLY == set()


def test_a_choice_reads_as_its_label_and_the_rating_in_the_readers_language():
    result = risk.rate(SHIPPED, {"feedstock.type": "rice_husk", "origin.chain_known": "primary_producer"})
    row = _row(result, "origin.chain_known")
    assert row["reason"] == {"en": "answer primary_producer → low"}      # stored as the engine gave it
    with translation.override("en"):
        assert views.reason_text(SHIPPED, row, "en") == "«To the primary producers (farms, mills, plots)» → Low risk"
    with translation.override("vi"):   # vi label from the framework file; "Rủi ro thấp" from locale/vi django.po
        assert views.reason_text(SHIPPED, row, "vi") == "«Đến tận nhà sản xuất ban đầu (nông hộ, nhà máy, lô đất)» → Rủi ro thấp"


def test_a_number_reads_with_its_unit_and_band_and_an_own_reason_is_kept():
    # transport.distance bands (2026.1): at most 50 km low, at most 200 km medium, above high
    result = risk.rate(SHIPPED, {"feedstock.type": "rice_husk", "transport.distance": 120,
                                 "legality.licence": "no"})
    with translation.override("en"):
        assert views.reason_text(SHIPPED, _row(result, "transport.distance"), "en") == "120 km (50 to 200 km) → Medium risk"
        far = risk.rate(SHIPPED, {"transport.distance": 450})
        assert views.reason_text(SHIPPED, _row(far, "transport.distance"), "en") == "450 km (more than 200 km) → High risk"
        near = risk.rate(SHIPPED, {"transport.distance": 20})
        assert views.reason_text(SHIPPED, _row(near, "transport.distance"), "en") == "20 km (up to 50 km) → Low risk"
        assert views.reason_text(SHIPPED, _row(result, "transport.distance"), "en") != _row(result, "transport.distance")["reason"]["en"]
    # a choice's own reason (a knock-out: legality.permits "no" for wood) in the reader's language, not the label
    wood = risk.rate(SHIPPED, {"feedstock.type": "wood_chips", "legality.permits": "no"})
    own = dict(SHIPPED.questions["legality.permits"].outcomes)["no"].reason
    assert views.reason_text(SHIPPED, _row(wood, "legality.permits"), "vi") == dict(own)["vi"]
    # not answered, and not known whether it applies
    with translation.override("en"):
        assert views.reason_text(SHIPPED, _row(wood, "labour.safety"), "en") == "Not answered."
        gated = _row(risk.rate(SHIPPED, {}), "certification.valid")
        assert views.reason_text(SHIPPED, gated, "en") == (
            "Not known whether it applies: first answer «%s»." % dict(SHIPPED.questions["certification.scheme"].text)["en"])


def test_no_colon_after_a_question_mark():
    assert views.with_colon("Is the storage covered?") == "Is the storage covered?"
    assert views.with_colon("Certification") == "Certification:"


def test_the_pages_show_labels_no_question_colon_and_not_applicable(client, world, stream):
    """Given a rice-husk stream screened with the shipped framework, the form marks the wood-only questions as not
    applicable; the result reads the choice's label and no question ends in "?:"."""
    client.force_login(world.users["manager"])
    client.post(reverse("biomass:screening_new", args=[stream.pk]))
    screening = Screening.objects.get()
    client.post(reverse("biomass:screening_edit", args=[screening.pk]),
                {"action": "save", "p-feedstock.type": "1", "q-feedstock.type": "rice_husk",
                 "p-origin.chain_known": "1", "q-origin.chain_known": "primary_producer"})
    screening.refresh_from_db()
    assert screening.answers["feedstock.type"] == "rice_husk"
    form = client.get(reverse("biomass:screening_edit", args=[screening.pk])).content.decode()
    marked = set(re.findall(r'data-question="([^"]+)" data-applies="no"', form))
    assert WOOD_ONLY <= marked and form.count('data-testid="not-applicable"') == len(marked)
    client.post(reverse("biomass:screening_edit", args=[screening.pk]), {"action": "complete", "screened_on": "2025-06-01"})
    page = client.get(reverse("biomass:screening", args=[screening.pk])).content.decode()
    item = page[page.index('<li data-question="origin.chain_known">'):]
    item = item[:item.index("</li>")]
    assert "«To the primary producers (farms, mills, plots)» → Low risk" in item
    assert "primary_producer" not in item.replace('data-question="origin.chain_known"', "")
    assert "?:" not in page, [page[max(0, i - 80):i + 5] for i in [m.start() for m in re.finditer(r"\?:", page)]]
    assert not re.search(r"answer [a-z_]+ →", page)
    assert all(f'data-question="{q}"' not in page for q in WOOD_ONLY)
