"""English, Vietnamese, Khmer and Thai ship complete, and the compiled catalogues match their sources."""

from __future__ import annotations

import csv
from pathlib import Path

import polib
import pytest
from django.utils import translation

import loomlight

LOCALE = Path(loomlight.__file__).parent / "locale"
LANGUAGES = ["vi", "km", "th"]
DOMAINS = ["django", "djangojs"]


def _po(lang, domain):
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_is_complete(lang, domain):
    po = _po(lang, domain)
    assert len(po) > 0
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert (missing, fuzzy) == ([], [])


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_compiled_catalogue_matches_its_source(lang, domain):
    po = _po(lang, domain)
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / f"{domain}.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo if e.msgid}
    source = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in po.translated_entries()}
    assert compiled == source, "run scripts/i18n.sh to recompile"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]|\{\{\s*(\w+)\s*\}\}|%[sd]")
    for entry in _po(lang, "django").translated_entries():
        if entry.msgid_plural:
            continue
        assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), entry.msgid


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_country_and_metric_name_has_a_translation(lang):
    names = set()
    for filename in ("countries.csv", "metrics.csv", "wastewater_parameters.csv"):
        with open(LOCALE.parent / "reference" / filename, encoding="utf-8") as fh:
            names |= {row["name"] for row in csv.DictReader(fh)}
    translated = {e.msgid for e in _po(lang, "django").translated_entries()}
    assert names - translated == set()
    with translation.override(lang):
        # some names read the same in the target language (Ethiopia in Vietnamese); these three never do
        assert {translation.gettext(n) for n in ("Viet Nam", "Cambodia", "Thailand")}.isdisjoint({"Viet Nam", "Cambodia", "Thailand"})
