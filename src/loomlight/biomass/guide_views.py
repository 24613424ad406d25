"""The public pages of the biomass guideline: the overview with its sections and the table of types, and one page
per type. Public reference data (no login, no facility's data): thin views over ``biomass.guide``."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from loomlight.biomass import guide


def _sections() -> list[dict]:
    links = guide.comment_links(guide.SECTIONS)
    return [{"code": code, "title": guide.section_title(code), "comment_url": links.get(code)}
            for code in guide.SECTIONS]


def guide_index(request):
    rows = guide.type_rows()
    return render(request, "biomass/guide/index.html", {
        "sections": _sections(), "rows": rows, "categories": [(c, guide.category_name(c), guide.category_meaning(c))
                                                               for c in guide.CATEGORIES],
        "gases": guide.GASES, "formula": guide.FORMULA,
    })


def guide_type(request, code):
    from loomlight.reference.biomass import UnknownBiomassType

    try:
        detail = guide.type_detail(code)
    except (UnknownBiomassType, KeyError):
        raise Http404 from None
    return render(request, "biomass/guide/type.html", {
        "t": detail, "chart": guide.chart(detail), "formula": guide.FORMULA, "gases": guide.GASES,
        "comment_url": (links := guide.comment_links((code, "biomass_types"))).get(code) or links.get("biomass_types"),
        "citations": list(dict.fromkeys(f["citation"] for f in detail["factors"].values() if f)),
    })
