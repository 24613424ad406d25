"""Rooftop solar PV: size, hourly generation over a year (pvlib), self-consumption against a facility's load,
export, and a park's group solar divided among tenants.

CONTRACT (issue 18) — the bodies are being written; names and meanings are fixed.

Generation: pvlib's solar position and Ineichen clear-sky model with the Linke turbidity climatology shipped inside
pvlib; scaled month by month to sourced monthly irradiance where ``reference/solar_irradiance.csv`` has the site's
country or nearest station (otherwise flagged "clear sky, not scaled": an upper bound); or an uploaded weather file
read by pvlib.iotools (TMY3, EPW, PVGIS TMY). Plane of array by pvlib.irradiance.get_total_irradiance, cell
temperature by the SAPM model, DC by PVWatts with −0.4 %/°C, system losses and inverter efficiency as sourced
defaults. Every default in ``reference`` with its source.

Model chain (choices and why, also in docs/architecture.md):

- hours: every hour of ``year`` in local *standard* time (the site's UTC offset without daylight saving), the sun
  taken at the middle of each hour; 8760 values (8784 in a leap year);
- clear sky: Ineichen with pvlib's Linke turbidity climatology (``lookup_linke_turbidity``, offline);
- scaling: each month's clear-sky GHI multiplied by sourced monthly GHI / clear-sky monthly GHI, so that the
  month's total matches the source; the place used is the nearest row of ``solar_irradiance.csv`` within 50 km
  (``reference.solar.MAX_STATION_KM``), else the row of the site's country (no coordinates, flagged), or the caller's ``monthly_ghi_kwh_m2_day`` with its ``source``;
- decomposition: Erbs (GHI → DHI, DNI from the closure equation), because the scaled series is GHI only and Erbs needs
  nothing else (DIRINT and DISC need dew point or pressure series that clear sky does not give);
- transposition: Hay-Davies, which needs only GHI/DNI/DHI and extraterrestrial DNI, and is less sensitive than
  Perez to the errors of a decomposed (not measured) DNI; weather files use it too, for one model throughout;
- cell temperature: SAPM ``close_mount_glass_glass`` (a = −2.98, b = −0.0471, ΔT = 1 °C): factory roofs carry modules
  close to the sheet, with little air behind them, so they run hotter than open rack (a conservative choice);
- DC: PVWatts, γ = −0.004/°C; then system losses (14 %, PVWatts) and a flat inverter efficiency (96 %).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import os
import tempfile
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loomlight.calc.ghg import TIMES, Explanation, Factor, Flag, Step, term


class SolarError(ValueError):
    """Bad input: ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Site:
    latitude: float             # [°] −90..90
    longitude: float            # [°] −180..180
    altitude_m: float = 0.0
    timezone: str = "UTC"       # IANA name, e.g. Asia/Ho_Chi_Minh
    country: str = ""           # ISO 3166-1 alpha-2, for the shipped irradiance


@dataclass(frozen=True)
class Array:
    kwp: float                  # DC nameplate [kWp]
    tilt_deg: float = 10.0      # [°] from horizontal
    azimuth_deg: float = 180.0  # [°] clockwise from north (180 = south)
    losses: float = 0.14        # system losses, fraction (PVWatts default)
    inverter_efficiency: float = 0.96


@dataclass(frozen=True)
class Yield:
    hourly_kwh: tuple[float, ...]       # 8760 (or 8784) values, AC, local standard time
    monthly_kwh: tuple[float, ...]      # 12
    annual_kwh: float
    specific_yield_kwh_per_kwp: float
    scaled_to: str                      # "clear_sky" | "monthly_irradiance:<source>" | "weather_file"
    explanation: Explanation = field(compare=False)
    flags: tuple[Flag, ...] = ()
    year: int = 0                       # added: the calendar year of the hours (0: not known)


@dataclass(frozen=True)
class SelfConsumption:
    self_consumed_kwh: float
    exported_kwh: float
    self_consumed_share: float          # of generation
    coverage_share: float               # of the load
    monthly_self_consumed_kwh: tuple[float, ...]
    monthly_exported_kwh: tuple[float, ...]
    load_basis: str                     # "hourly_profile" | "monthly_totals:<profile>"
    explanation: Explanation = field(compare=False)



GAMMA_PDC = -0.004          # 1/°C, PVWatts' default temperature coefficient (crystalline silicon)
SAPM_MOUNT = "close_mount_glass_glass"
WEATHER_FORMATS = ("tmy3", "epw", "pvgis_json", "pvgis_csv")
LOAD_PROFILES = ("two_shifts", "flat")
ALLOCATION_RULES = ("roof_area", "consumption", "investment", "equal")


def _defaults():
    from loomlight.reference import solar as ref
    return ref


def _number(name, value, *, low=None, high=None, positive=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or math.isinf(value):
        raise SolarError(name, f"must be a number (got {value!r})")
    if positive and value <= 0:
        raise SolarError(name, f"must be more than zero (got {value!r})")
    if low is not None and value < low or high is not None and value > high:
        raise SolarError(name, f"must be between {low} and {high} (got {value!r})")
    return float(value)


def size_from_roof(area_m2: float, *, usable_share: float | None = None,
                   kwp_per_m2: float | None = None) -> tuple[float, Explanation]:
    """kWp that fits a roof of ``area_m2``; defaults from reference with their sources."""
    ref = _defaults()
    area = _number("area_m2", area_m2, positive=True)
    factors = []
    if usable_share is None:
        d = ref.default("usable_share")
        usable_share = d.value
        factors.append(Factor("usable share of the roof", d.value, d.unit, d.citation(), "solar_usable_share"))
    else:
        usable_share = _number("usable_share", usable_share, low=0.0, high=1.0)
        factors.append(Factor("usable share of the roof", usable_share, "fraction", "given", "solar_usable_share"))
    if kwp_per_m2 is None:
        d = ref.default("kwp_per_m2")
        kwp_per_m2 = d.value
        factors.append(Factor("power density", d.value, d.unit, d.citation(), "solar_kwp_per_m2"))
    else:
        kwp_per_m2 = _number("kwp_per_m2", kwp_per_m2, positive=True, high=0.3)
        factors.append(Factor("power density", kwp_per_m2, "kWp/m²", "given", "solar_kwp_per_m2"))
    kwp = area * usable_share * kwp_per_m2
    step = Step("PV capacity that fits the roof", "roof area × usable share × kWp per m²", kwp, "kWp",
                "solar_size_from_roof", {},
                (term(area, "m²"), TIMES, term(usable_share, ""), TIMES, term(kwp_per_m2, "kWp/m²")))
    inputs = (Factor("roof area", area, "m²", "given", "roof_area"),)
    return kwp, Explanation(inputs, tuple(factors), (step,))


def _check_site(site: Site):
    _number("latitude", site.latitude, low=-90.0, high=90.0)
    _number("longitude", site.longitude, low=-180.0, high=180.0)
    _number("altitude_m", site.altitude_m, low=-500.0, high=9000.0)
    try:
        zone = ZoneInfo(site.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise SolarError("timezone", f"not a known time zone name (got {site.timezone!r}, e.g. Asia/Ho_Chi_Minh)")
    return zone


def _check_array(array: Array):
    _number("kwp", array.kwp, positive=True)
    _number("tilt_deg", array.tilt_deg, low=0.0, high=90.0)
    _number("azimuth_deg", array.azimuth_deg, low=0.0, high=360.0)
    _number("losses", array.losses, low=0.0, high=0.99)
    _number("inverter_efficiency", array.inverter_efficiency, low=0.5, high=1.0)


def standard_offset_hours(zone: ZoneInfo, year: int) -> float:
    """The zone's UTC offset without daylight saving, in hours (on 1 January and 1 July, the smaller)."""
    offsets = []
    for month in (1, 7):
        moment = dt.datetime(year, month, 1, 12, tzinfo=zone)
        offsets.append((moment.utcoffset() - (moment.dst() or dt.timedelta(0))).total_seconds() / 3600)
    return min(offsets)


def _hours(year: int, offset_h: float):
    import pandas as pd
    tz = dt.timezone(dt.timedelta(hours=offset_h))
    start = pd.Timestamp(year=year, month=1, day=1, tz=tz)
    return pd.date_range(start, periods=(366 if calendar.isleap(year) else 365) * 24, freq="1h")


_FORMAT_NAMES = {"tmy3": "TMY3", "epw": "EPW", "pvgis_json": "PVGIS TMY (json)", "pvgis_csv": "PVGIS TMY (csv)"}


def read_weather(data: bytes, fmt: str, *, offset_h: float):
    """GHI, DNI, DHI [W/m²], air temperature [°C] and wind [m/s] as arrays of one row per hour of the file's year,
    in local standard time (hour-ending files shifted to hour-beginning), from a weather file pvlib reads."""
    import numpy as np
    import pvlib

    if fmt not in WEATHER_FORMATS:
        raise SolarError("weather", f"unknown format {fmt!r}; one of {', '.join(WEATHER_FORMATS)}")
    if not isinstance(data, (bytes, bytearray)):
        raise SolarError("weather", "give the file's content as bytes")
    if not data:
        raise SolarError("weather", "the weather file is empty")
    suffix = {"tmy3": ".csv", "epw": ".epw", "pvgis_json": ".json", "pvgis_csv": ".csv"}[fmt]
    handle = tempfile.NamedTemporaryFile("wb", suffix=suffix, delete=False)
    try:
        handle.write(bytes(data))
        handle.close()
        try:
            if fmt == "tmy3":
                frame, _ = pvlib.iotools.read_tmy3(handle.name, map_variables=True)
            elif fmt == "epw":
                frame, _ = pvlib.iotools.read_epw(handle.name)
            else:
                result = pvlib.iotools.read_pvgis_tmy(handle.name, pvgis_format=fmt.split("_")[1])
                frame = result[0]
        except SolarError:
            raise
        except Exception as exc:  # noqa: BLE001 - any parser failure is a bad file, named for the user
            raise SolarError("weather", f"could not be read as a {_FORMAT_NAMES[fmt]} file ({type(exc).__name__})")
    finally:
        os.unlink(handle.name)
    needed = ("ghi", "dni", "dhi", "temp_air")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise SolarError("weather", f"the {_FORMAT_NAMES[fmt]} file has no {', '.join(missing)} column")
    if len(frame) not in (8760, 8784):
        raise SolarError("weather", f"the file must have one row per hour of a year (8760), got {len(frame)} rows")
    frame = frame.sort_index() if fmt.startswith("pvgis") else frame
    values = {c: np.asarray(frame[c], dtype=float) for c in needed}
    values["wind_speed"] = (np.asarray(frame["wind_speed"], dtype=float) if "wind_speed" in frame.columns
                            else np.full(len(frame), 1.0))
    if fmt.startswith("pvgis"):
        # PVGIS gives UTC hours (hour-beginning): roll to local standard time
        shift = int(round(offset_h))
        values = {k: np.roll(v, shift) for k, v in values.items()}
    for k, v in values.items():
        if not np.all(np.isfinite(v)):
            raise SolarError("weather", f"the file has missing or non-numeric {k} values")
    if values["ghi"].min() < 0 or values["ghi"].max() > 1500:
        raise SolarError("weather", "GHI values must be between 0 and 1500 W/m²")
    return values


def generation(site: Site, array: Array, *, year: int = 2025, weather=None,
               monthly_ghi_kwh_m2_day=None, irradiance_source: str = "") -> Yield:
    """Hourly AC kWh of ``array`` at ``site`` over ``year`` (see the module docstring for the model chain).

    ``weather``: ``(bytes, format)`` with format one of WEATHER_FORMATS: its own GHI/DNI/DHI/temperature are used.
    ``monthly_ghi_kwh_m2_day`` (added to the contract): 12 sourced monthly mean daily GHI values to scale to, with
    ``irradiance_source`` naming them; otherwise the nearest shipped place within 50 km; otherwise clear sky."""
    import numpy as np
    import pandas as pd
    import pvlib

    zone = _check_site(site)
    _check_array(array)
    if isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= 2100:
        raise SolarError("year", f"must be a year between 1950 and 2100 (got {year!r})")
    ref = _defaults()
    offset = standard_offset_hours(zone, year)
    flags: list[Flag] = []
    factors: list[Factor] = []
    steps: list[Step] = []

    if weather is not None:
        if not (isinstance(weather, (tuple, list)) and len(weather) == 2):
            raise SolarError("weather", "give the file's bytes and its format name, e.g. (data, 'epw')")
        w = read_weather(weather[0], weather[1], offset_h=offset)
        n = len(w["ghi"])
        hours = _hours(year, offset)[:n] if n <= len(_hours(year, offset)) else _hours(year, offset)
        if len(hours) < n:
            w = {k: v[:len(hours)] for k, v in w.items()}
        elif len(hours) > n:     # leap year and an 8760-hour file: repeat the last day
            w = {k: np.concatenate([v, v[-(len(hours) - n):]]) for k, v in w.items()}
        mid = hours + pd.Timedelta(minutes=30)
        solpos = pvlib.solarposition.get_solarposition(mid, site.latitude, site.longitude, site.altitude_m)
        ghi, dni, dhi = w["ghi"], w["dni"], w["dhi"]
        temp_air, wind = w["temp_air"], w["wind_speed"]
        scaled_to = "weather_file"
        factors.append(Factor("weather file", float(len(ghi)), "hours", f"uploaded {_FORMAT_NAMES[weather[1]]}",
                              "solar_weather_file", {"format": weather[1]}))
    else:
        hours = _hours(year, offset)
        mid = hours + pd.Timedelta(minutes=30)
        location = pvlib.location.Location(site.latitude, site.longitude, offset, site.altitude_m)
        solpos = location.get_solarposition(mid)
        linke = pvlib.clearsky.lookup_linke_turbidity(mid, site.latitude, site.longitude)
        airmass = location.get_airmass(mid, solar_position=solpos)
        cs = location.get_clearsky(mid, model="ineichen", solar_position=solpos, linke_turbidity=linke,
                                   airmass_absolute=airmass["airmass_absolute"])
        ghi = cs["ghi"].to_numpy()
        month_index = mid.month.to_numpy() - 1
        clear_monthly = np.bincount(month_index, weights=ghi, minlength=12) / 1000.0      # kWh/m²/month
        days = np.bincount(month_index, minlength=12) / 24.0
        target = None
        if monthly_ghi_kwh_m2_day is not None:
            values = list(monthly_ghi_kwh_m2_day)
            if len(values) != 12:
                raise SolarError("monthly_ghi_kwh_m2_day", f"needs 12 monthly values (got {len(values)})")
            target = np.array([_number("monthly_ghi_kwh_m2_day", v, low=0.0, high=12.0) for v in values])
            source = irradiance_source or "given"
        else:
            found = ref.nearest(site.latitude, site.longitude, country=site.country)
            if found is not None:
                row, km = found
                target = np.array(row.kwh_m2_day)
                where = f"{row.place} ({km:.0f} km)" if km is not None else f"{row.place} (country {row.country})"
                source = f"{where}: {row.source.split(' (http')[0]}, {row.table}"
                if km is None:
                    flags.append(Flag("solar_country_irradiance",
                                      f"scaled to the country's monthly irradiance ({row.country}): no sourced place "
                                      f"within {ref.MAX_STATION_KM:.0f} km", {"country": row.country}))
        if target is None:
            scaled_to = "clear_sky"
            flags.append(Flag("solar_clear_sky",
                              "clear sky, not scaled: no sourced monthly irradiance within 50 km of the site; "
                              "the yield is an upper bound", {"max_km": ref.MAX_STATION_KM}))
        else:
            sourced_monthly = target * days
            ratio = np.where(clear_monthly > 0, sourced_monthly / np.where(clear_monthly > 0, clear_monthly, 1), 0)
            ghi = ghi * ratio[month_index]
            scaled_to = f"monthly_irradiance:{source}"
            factors.append(Factor("sourced GHI, annual", float(sourced_monthly.sum()), "kWh/m²/yr", source,
                                  "solar_sourced_ghi"))
            steps.append(Step("clear-sky GHI scaled month by month to the sourced GHI",
                              "hourly clear-sky GHI × (sourced monthly GHI ÷ clear-sky monthly GHI)",
                              float(sourced_monthly.sum()), "kWh/m²/yr", "solar_scaled_ghi",
                              {"clear_sky_kwh_m2": float(clear_monthly.sum())}))
        zenith = solpos["apparent_zenith"].to_numpy()
        erbs = pvlib.irradiance.erbs(ghi, zenith, mid.day_of_year.to_numpy())
        dni, dhi = np.asarray(erbs["dni"], dtype=float), np.asarray(erbs["dhi"], dtype=float)
        temp_air = np.full(len(ghi), ref.default("ambient_temperature").value)
        wind = np.full(len(ghi), ref.default("wind_speed").value)
        flags.append(Flag("solar_placeholder_weather",
                          "air temperature held at 25 °C and wind at 1 m/s (no weather file): cell temperature and "
                          "its loss are underestimated in a hot climate", {}))

    dni_extra = pvlib.irradiance.get_extra_radiation(mid).to_numpy()
    poa = pvlib.irradiance.get_total_irradiance(
        array.tilt_deg, array.azimuth_deg, solpos["apparent_zenith"].to_numpy(), solpos["azimuth"].to_numpy(),
        dni, ghi, dhi, dni_extra=dni_extra, model="haydavies")
    poa_global = np.nan_to_num(np.asarray(poa["poa_global"], dtype=float), nan=0.0).clip(min=0.0)
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][SAPM_MOUNT]
    cell = pvlib.temperature.sapm_cell(poa_global, temp_air, wind, **params)
    dc_kw = pvlib.pvsystem.pvwatts_dc(poa_global, cell, array.kwp, GAMMA_PDC)
    dc_kw = np.asarray(dc_kw, dtype=float).clip(min=0.0)
    ac_kwh = dc_kw * (1.0 - array.losses) * array.inverter_efficiency       # 1 h steps: kW → kWh
    month_index = hours.month.to_numpy() - 1
    monthly = np.bincount(month_index, weights=ac_kwh, minlength=12)
    annual = float(ac_kwh.sum())
    specific = annual / array.kwp

    losses_d, inverter_d = ref.default("system_losses"), ref.default("inverter_efficiency")
    factors += [
        Factor("temperature coefficient of power", GAMMA_PDC, "1/°C", "PVWatts Version 5 Manual (Dobos 2014)",
               "solar_gamma"),
        Factor("system losses", array.losses, "fraction",
               losses_d.citation() if array.losses == losses_d.value else "given", "solar_losses"),
        Factor("inverter efficiency", array.inverter_efficiency, "fraction",
               inverter_d.citation() if array.inverter_efficiency == inverter_d.value else "given",
               "solar_inverter_efficiency"),
    ]
    poa_annual = float(poa_global.sum() / 1000.0)
    dc_annual = float(dc_kw.sum())
    steps += [
        Step("irradiation on the plane of the array", "Hay-Davies transposition, summed over the hours", poa_annual,
             "kWh/m²/yr", "solar_poa", {"tilt": array.tilt_deg, "azimuth": array.azimuth_deg}),
        Step("DC energy (PVWatts, SAPM cell temperature)", "Σ kWp × POA/1000 × (1 + γ (T_cell − 25))", dc_annual,
             "kWh", "solar_dc", {}),
        Step("AC energy", "DC energy × (1 − system losses) × inverter efficiency", annual, "kWh", "solar_ac", {},
             (term(dc_annual, "kWh"), TIMES, term(1.0 - array.losses, ""), TIMES,
              term(array.inverter_efficiency, ""))),
        Step("specific yield", "AC energy ÷ kWp", specific, "kWh/kWp/yr", "solar_specific_yield", {}),
    ]
    inputs = (Factor("latitude", site.latitude, "°", "given", "latitude"),
              Factor("longitude", site.longitude, "°", "given", "longitude"),
              Factor("capacity", array.kwp, "kWp", "given", "kwp"),
              Factor("tilt", array.tilt_deg, "°", "given", "tilt"),
              Factor("azimuth", array.azimuth_deg, "°", "given", "azimuth"))
    explanation = Explanation(inputs, tuple(factors), tuple(steps), flags=tuple(f.text for f in flags),
                              flag_codes=tuple(flags))
    return Yield(tuple(float(x) for x in ac_kwh), tuple(float(x) for x in monthly), annual, specific, scaled_to,
                 explanation, tuple(flags), year)


def _month_of_hours(n: int, year: int):
    import numpy as np
    days = [calendar.monthrange(year, m)[1] for m in range(1, 13)]
    if n == 8760 and sum(days) == 366:
        days[1] = 28
    return np.repeat(np.arange(12), np.array(days) * 24)[:n], days


def load_profile(monthly_kwh, *, profile: str = "two_shifts", year: int = 2025, n_hours: int | None = None):
    """Hourly load (kWh) spreading 12 monthly totals over the month's hours by ``profile``:

    - ``two_shifts`` (default): a garment or textile factory working two shifts, 06:00–22:00, Monday to Saturday,
      all of the month's energy in those hours, evenly (the programmes' factories mostly work this pattern; a
      night base load is not assumed, which makes self-consumption an upper estimate for such a factory);
    - ``flat``: the same load every hour (a 24/7 plant, e.g. continuous dyeing)."""
    import numpy as np
    if profile not in LOAD_PROFILES:
        raise SolarError("profile", f"unknown load profile {profile!r}; one of {', '.join(LOAD_PROFILES)}")
    values = list(monthly_kwh)
    if len(values) != 12:
        raise SolarError("monthly_load_kwh", f"needs 12 monthly totals (got {len(values)})")
    totals = np.array([_number("monthly_load_kwh", v, low=0.0) for v in values])
    n = n_hours or (8784 if calendar.isleap(year) else 8760)
    months, _ = _month_of_hours(n, year)
    if profile == "flat":
        weight = np.ones(n)
    else:
        start = dt.datetime(year, 1, 1)
        hour_of_day = np.arange(n) % 24
        weekday = (start.weekday() + np.arange(n) // 24) % 7          # Monday = 0
        weight = ((hour_of_day >= 6) & (hour_of_day < 22) & (weekday < 6)).astype(float)
    per_month = np.bincount(months, weights=weight, minlength=12)
    return totals[months] * weight / per_month[months]


def self_consumption(yield_: Yield, *, monthly_load_kwh=None, hourly_load_kwh=None, profile: str = "two_shifts",
                     year: int | None = None) -> SelfConsumption:
    """Hour by hour, self-consumed = min(generation, load), exported = generation − self-consumed.

    ``hourly_load_kwh``: one value per hour of the generation's year; else ``monthly_load_kwh`` (12 totals) spread
    by ``profile`` (added to the contract, with ``year`` for its weekdays, by default the generation's; see
    ``load_profile``)."""
    import numpy as np
    gen = np.asarray(yield_.hourly_kwh, dtype=float)
    n = len(gen)
    if year is None:
        year = yield_.year or (2024 if n == 8784 else 2025)
    if n not in (8760, 8784) or (n == 8784 and not calendar.isleap(year)):
        raise SolarError("yield", f"the generation must have one value per hour of {year} (got {n})")
    if hourly_load_kwh is not None:
        values = list(hourly_load_kwh)
        if len(values) != n:
            raise SolarError("hourly_load_kwh", f"needs {n} hourly values, one per hour of the year (got {len(values)})")
        load = np.array([_number("hourly_load_kwh", v, low=0.0) for v in values])
        basis = "hourly_profile"
    elif monthly_load_kwh is not None:
        load = load_profile(monthly_load_kwh, profile=profile, year=year, n_hours=n)
        basis = f"monthly_totals:{profile}"
    else:
        raise SolarError("monthly_load_kwh", "give the facility's monthly electricity use or an hourly load profile")
    used = np.minimum(gen, load)
    exported = gen - used
    months, _ = _month_of_hours(n, year)
    m_used = np.bincount(months, weights=used, minlength=12)
    m_exp = np.bincount(months, weights=exported, minlength=12)
    total_gen, total_load, total_used = float(gen.sum()), float(load.sum()), float(used.sum())
    step = Step("self-consumed solar", "Σ over the hours of min(generation, load)", total_used, "kWh",
                "solar_self_consumed", {"basis": basis})
    step2 = Step("exported solar", "generation − self-consumed", float(exported.sum()), "kWh", "solar_exported", {})
    inputs = (Factor("solar generation", total_gen, "kWh/yr", yield_.scaled_to, "solar_generation"),
              Factor("electricity use", total_load, "kWh/yr", basis, "electricity_use"))
    return SelfConsumption(total_used, float(exported.sum()), total_used / total_gen if total_gen else 0.0,
                           total_used / total_load if total_load else 0.0, tuple(float(x) for x in m_used),
                           tuple(float(x) for x in m_exp), basis, Explanation(inputs, (), (step, step2)))


def allocate(annual_kwh: float, shares: dict, *, rule: str, decimals: int = 0) -> dict:
    """A park's group solar divided among tenants: rule "roof_area" | "consumption" | "investment" | "equal";
    ``shares`` {tenant: its roof m², its consumption kWh, its investment}; returns {tenant: kWh}, summing exactly to
    ``annual_kwh`` (largest remainder on rounding).

    Each tenant gets annual × its share ÷ the sum of shares ("equal": the same share each, ``shares``' values
    ignored), rounded down to ``decimals`` (added; whole kWh by default); the units left over go one each to the
    tenants with the largest remainders (ties: in the order of ``shares``). ``annual_kwh`` is first rounded to
    ``decimals``."""
    if rule not in ALLOCATION_RULES:
        raise SolarError("rule", f"unknown rule {rule!r}; one of {', '.join(ALLOCATION_RULES)}")
    total = _number("annual_kwh", annual_kwh, low=0.0)
    if not isinstance(shares, dict) or not shares:
        raise SolarError("shares", "give at least one tenant")
    if rule == "equal":
        weights = {t: 1.0 for t in shares}
    else:
        weights = {}
        for tenant, value in shares.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or math.isinf(value):
                raise SolarError("shares", f"{tenant}: must be a number (got {value!r})")
            if value < 0:
                raise SolarError("shares", f"{tenant}: must be zero or more (got {value!r})")
            weights[tenant] = float(value)
        if sum(weights.values()) == 0:
            raise SolarError("shares", "all shares are zero: nothing to divide by")
    scale = 10 ** decimals
    units = round(total * scale)
    weight_sum = sum(weights.values())
    exact = {t: units * w / weight_sum for t, w in weights.items()}
    floors = {t: math.floor(x) for t, x in exact.items()}
    left = units - sum(floors.values())
    order = sorted(exact, key=lambda t: (-(exact[t] - floors[t]), list(exact).index(t)))
    for tenant in order[:left]:
        floors[tenant] += 1
    return {t: (floors[t] / scale if decimals else floors[t]) for t in weights}
