"""A rooftop solar case's saving lines and the summary of what its generation rests on (pure, no Django).

One rule for the case builder (``views._solar_savings``) and the demo (``demo/cases.py``): the array's hourly
generation over the year (``calc.solar.generation``: pvlib at the site, scaled to monthly irradiation where given
or shipped, else clear sky), its self-consumption against the facility's monthly grid electricity
(``calc.solar.self_consumption``); the solar used on site replaces grid electricity at the grid price, the export
is paid at the export price. The summary is what the case page reads (``document["solar"]["yield"]``)::

    {"kwp", "annual_kwh", "specific_yield_kwh_per_kwp", "scaled_to", "flags",
     "self_consumed_kwh", "exported_kwh", "self_consumed_share", "coverage_share", "load_basis"}

with self_consumed_kwh + exported_kwh = annual_kwh. A park's group solar has the same summary, against its
tenants' summed months (``demo/cases.py``).
"""

from __future__ import annotations

from loomlight.calc import solar


def summary(kwp: float, made: solar.Yield, used: solar.SelfConsumption) -> dict:
    """What the generation rests on, for the case page (the module docstring's keys)."""
    return {"kwp": kwp, "annual_kwh": made.annual_kwh, "specific_yield_kwh_per_kwp": made.specific_yield_kwh_per_kwp,
            "scaled_to": made.scaled_to, "flags": [f.code for f in made.flags],
            "self_consumed_kwh": used.self_consumed_kwh, "exported_kwh": used.exported_kwh,
            "self_consumed_share": used.self_consumed_share, "coverage_share": used.coverage_share,
            "load_basis": used.load_basis}


def rooftop_savings(site: solar.Site, array: solar.Array, *, year: int, monthly_load_kwh, price: float,
                    export_price: float = 0.0, monthly_ghi=None, irradiance_source: str = "") -> tuple[list, dict]:
    """The saving lines of a rooftop array at ``site`` over ``year`` against the facility's 12 monthly grid
    purchases ``monthly_load_kwh`` [kWh], with the grid ``price`` and the ``export_price`` [currency per kWh],
    and the summary of the module docstring. SolarError naming the field for a bad input."""
    made = solar.generation(site, array, year=year, monthly_ghi_kwh_m2_day=monthly_ghi,
                            irradiance_source=irradiance_source)
    used = solar.self_consumption(made, monthly_load_kwh=monthly_load_kwh)
    lines = [{"metric": "electricity_solar_self_consumed", "quantity": used.self_consumed_kwh, "unit": "kWh",
              "price": price}]
    if used.exported_kwh > 0:
        lines.append({"metric": "electricity_exported", "quantity": used.exported_kwh, "unit": "kWh",
                      "price": export_price or 0.0})
    return lines, summary(array.kwp, made, used)

