"""The sections of the biomass guideline, by code: the codes the guideline pages (biomass.guide, branch bweb) use
for their anchors, so that a comment names the section a reader was reading.

``BIOMASS_SECTIONS`` is the list ``services.guideline_sections_set`` seeds (``services.biomass_guideline_seed``
calls it); other code passes its own list of (code, English title) in the same shape. ``translated_title`` gives a
known code's title in the reader's language, any other code its stored title.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

BIOMASS_GUIDELINE_CODE = "biomass-guidelines"
GENERAL = "general"

#: The guideline's chapters, then one section per biomass type of the catalogue (reference/biomass_types.csv).
BIOMASS_CHAPTERS: tuple[tuple[str, object], ...] = (
    (GENERAL, _("The guideline as a whole")),
    ("biomass_types", _("Biomass types")),
    ("moisture_and_heating_value", _("Moisture and heating value")),
    ("value_chain_risks", _("Risks along the value chain")),
    ("screening", _("First screening of suppliers")),
    ("fuel_switch", _("Switching a boiler from coal to biomass")),
    ("certification", _("Certification schemes")),
)
BIOMASS_TYPE_SECTIONS: tuple[tuple[str, object], ...] = (
    ("rice_husk", _("Rice husk")),
    ("wood_chips", _("Wood chips")),
    ("wood_pellets", _("Wood pellets")),
    ("sawdust", _("Sawdust")),
    ("bagasse", _("Bagasse")),
    ("cashew_nut_shells", _("Cashew nut shells")),
    ("palm_kernel_shells", _("Palm kernel shells")),
    ("coconut_shells", _("Coconut shells")),
    ("corn_cobs", _("Corn cobs")),
    ("cassava_rhizomes", _("Cassava rhizomes")),
    ("empty_fruit_bunches", _("Empty fruit bunches")),
    ("coffee_husks", _("Coffee husks")),
    ("agricultural_residues_other", _("Other agricultural residues")),
    ("plantation_wood", _("Plantation wood")),
    ("natural_forest_wood", _("Natural-forest wood")),
)
BIOMASS_SECTIONS = BIOMASS_CHAPTERS + BIOMASS_TYPE_SECTIONS

_TITLES = dict(BIOMASS_SECTIONS)


def translated_title(code: str, stored: str) -> str:
    title = _TITLES.get(code)
    return str(title) if title is not None else stored
