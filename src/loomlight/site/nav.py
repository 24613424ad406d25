"""The links a page offers to a facility's other pages, decided in one place: a link is shown only when the viewer
may open it (PRODUCT.md: never link to what the viewer may not see).

Each page of a facility's data looks its facility up with ``site.lookups.facility_with_data(user, pk, kind)``, which
answers 404 without the right to that kind; ``facility_links`` asks the same policy (``policy.data_kinds``, the same
rule as ``policy.facilities_with_data``) for the same kind, so a link and its page cannot disagree. The pages render
the links with ``{% facility_nav %}`` (site/templatetags/loomlight.py); tests/site/test_nav.py walks every link each
role is shown.
"""

from __future__ import annotations

from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from loomlight.registry import policy
from loomlight.registry.models import DataKind


class Link(NamedTuple):
    key: str
    label: str
    url: str
    current: bool


#: A facility's data pages: (key, label, the data kind its view requires — or a tuple of kinds, all of them —, its
#: URL name, the URL name with a year).
FACILITY_PAGES = (
    ("dashboard", _("Dashboard"), DataKind.ENVIRONMENTAL, "reporting:dashboard", "reporting:dashboard_year"),
    ("data", _("Monthly data"), DataKind.ENVIRONMENTAL, "reporting:facility", "reporting:facility_year"),
    ("emissions", _("Emissions"), DataKind.GHG, "inventories:facility", "inventories:facility_year"),
    ("wastewater", _("Wastewater"), DataKind.WASTEWATER, "wastewater:facility", None),
    ("chemicals", _("Chemical inventory"), DataKind.CHEMICALS, "chemicals:facility", "chemicals:facility_year"),
    # a case is made of its own figures and the facility's environmental and GHG data (interventions.access.KINDS)
    ("cases", _("Business cases"), (DataKind.BUSINESS_CASES, DataKind.ENVIRONMENTAL, DataKind.GHG),
     "interventions:facility", None),
    ("biomass", _("Biomass sourcing"), DataKind.BIOMASS, "biomass:facility", None),
)


def facility_links(user, facility, *, year: int | None = None, current: str | None = None) -> list[Link]:
    """The data pages of ``facility`` that ``user`` may open, in a fixed order; with ``year``, those that have one
    open on that year (the reader stays in the year they are reading). ``current`` marks the page shown."""
    kinds = policy.data_kinds(user, facility)
    links = []
    for key, label, kind, name, name_year in FACILITY_PAGES:
        if not set(kind if isinstance(kind, tuple) else (kind,)) <= kinds:
            continue
        url = reverse(name_year, args=[facility.pk, year]) if year and name_year else reverse(name, args=[facility.pk])
        links.append(Link(key, str(label), url, key == current))
    return links
