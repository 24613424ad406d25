"""Units as the reader reads them: the words among them ("person", "hour", "piece") in the reader's language.

Units are stored and parsed as their codes (``calc.units``: kWh, m³, person, ...); only what a page shows goes
through ``unit_label``. Symbols (kWh, GJ, m³, t, kg, L) are the same in every language and stay as they are.
"""

from __future__ import annotations

import re

from django.utils.translation import pgettext


def _words() -> dict[str, str]:
    return {
        "person": pgettext("unit", "person"), "hour": pgettext("unit", "hour"), "piece": pgettext("unit", "piece"),
        "pair": pgettext("unit", "pair"), "count": pgettext("unit", "count"), "tonne": pgettext("unit", "tonne"),
    }


_WORD = re.compile(r"[A-Za-z_]+")


def unit_label(unit) -> str:
    """``unit`` with its words translated: "person" → "người" in Vietnamese, "t CO2e/piece" → "t CO2e/chiếc"."""
    if not unit:
        return ""
    words = _words()
    return _WORD.sub(lambda m: words.get(m.group(), m.group()), str(unit))
