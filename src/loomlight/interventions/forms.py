"""The case builder's form: every input of a business case, pre-filled from the facility's baseline and the
catalogue, turned into the ``loomlight case`` document (``interventions.document``) that the services store.

The form checks what a form can (numbers, ranges, a price where a saving has a quantity); the rules of the
finance live in ``calc.finance`` and are applied by ``services.case_create`` / ``case_update``, whose errors are
mapped back to the field they name (``document_field``). Rates are entered in per cent and stored as fractions.
"""

from __future__ import annotations

import hashlib
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

GRID_FACTORS = (
    ("inventory", gettext_lazy("the inventory's grid factor (what the facility's own inventory would lose)")),
    ("operating_margin", gettext_lazy("the grid's operating margin (for avoided-emissions claims)")),
)

#: The document path of an input → the form field that holds it (errors name the field the user can change).
DOCUMENT_FIELDS = {
    "capex": "capex", "lifetime_years": "lifetime_years", "discount_rate": "discount_rate",
    "escalation": "escalation", "opex_change": "opex_change", "grant": "grant", "tax_rate": "tax_rate",
    "loan.share": "loan_share", "loan.rate": "loan_rate", "loan.tenor_years": "loan_tenor_years", "loan": "loan_share",
    "grid_factor": "grid_factor", "currency": "currency", "title": "title",
    "solar.kwp": "kwp", "solar.roof_area_m2": "roof_area_m2", "solar.tilt_deg": "tilt_deg",
    "solar.azimuth_deg": "azimuth_deg", "area_m2": "roof_area_m2", "array.kwp": "kwp", "array.tilt_deg": "tilt_deg",
    "array.azimuth_deg": "azimuth_deg", "weather": "weather_file", "hourly_load_kwh": "hourly_load",
    "shares": "rule", "rule": "rule",
}

#: The largest upload taken (a TMY3 or EPW file of a year is about 1.5 MB).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
WEATHER_FORMATS = (
    ("", gettext_lazy("recognised from the file")), ("tmy3", "TMY3 (CSV)"), ("epw", "EPW"),
    ("pvgis_json", "PVGIS TMY (JSON)"), ("pvgis_csv", "PVGIS TMY (CSV)"),
)
ALLOCATION_RULES = (
    ("consumption", gettext_lazy("by consumption [kWh a year]")), ("roof_area", gettext_lazy("by roof area [m²]")),
    ("investment", gettext_lazy("by investment")), ("equal", gettext_lazy("in equal shares")),
)


def sniff_weather_format(data: bytes) -> str:
    """The weather file's format from its first bytes ("" when not recognised): EPW starts with LOCATION, a PVGIS
    TMY JSON with an object, a PVGIS TMY CSV with "Latitude (decimal degrees):", a TMY3 with a 7-field site line
    followed by its "Date (MM/DD/YYYY)" header."""
    head = data[:2000].decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    lines = head.splitlines()
    if head.startswith("LOCATION,"):
        return "epw"
    if head.startswith("{"):
        return "pvgis_json"
    if head.startswith("Latitude (decimal degrees):"):
        return "pvgis_csv"
    if len(lines) > 1 and lines[1].startswith("Date (MM/DD/YYYY)"):
        return "tmy3"
    return ""


def _upload(file) -> tuple[bytes, dict]:
    """The bytes of an uploaded file (at most MAX_UPLOAD_BYTES) and what the case keeps of it: name and sha256."""
    if file.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    data = file.read()
    return data, {"name": (file.name or "")[-200:], "sha256": hashlib.sha256(data).hexdigest()}


def read_hourly_load(data: bytes) -> list[float]:
    """One value per hour [kWh] from a one-column CSV (an optional header line; a decimal comma is read as a
    point); ValidationError in words otherwise. The count (8760 or 8784) is checked against the year later."""
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    rows = [r.strip() for r in text.splitlines() if r.strip()]
    values = []
    for i, row in enumerate(rows):
        if ";" in row or (row.count(",") and not re.fullmatch(r"-?\d+,\d+", row)):
            raise forms.ValidationError(_("Give one column of numbers, one per hour."))
        try:
            value = float(row.replace(",", "."))
        except ValueError:
            if i == 0:
                continue     # a header
            raise forms.ValidationError(_("Line %(line)s is not a number.") % {"line": i + 1}) from None
        if value != value or value in (float("inf"), float("-inf")) or value < 0:
            raise forms.ValidationError(_("Line %(line)s is not a number.") % {"line": i + 1})
        values.append(value)
    if len(values) not in (8760, 8784):
        raise forms.ValidationError(_("Give 8760 hourly values (8784 in a leap year): %(n)s given.") % {"n": len(values)})
    return values


def plain(value) -> str | None:
    """A number as a form field holds it: digits and a point, no exponent, no trailing zeros ("120000", "0.08")."""
    if value is None:
        return None
    text = f"{float(value):.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def document_field(path: str, lines: int) -> str:
    """The form field of a document path (``savings[1].price`` → ``line-1-price``); ``__all__`` when unknown."""
    path = (path or "").removeprefix("document.")
    if path.startswith("savings[") and "]" in path:
        index, _sep, rest = path[len("savings["):].partition("]")
        if index.isdigit() and int(index) < lines:
            name = rest.lstrip(".") or "quantity"
            return f"line-{index}-{'share' if name == 'quantity' else name}"
    return DOCUMENT_FIELDS.get(path, "__all__")


class CaseForm(forms.Form):
    """One case's inputs; ``lines`` (one per metric the intervention saves) add their fields
    ``line-<i>-baseline``, ``-share`` (%), ``-price``, with ``-metric`` and ``-unit`` fixed from the baseline."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, widget=forms.TextInput(attrs={"size": 60}))
    capex = forms.FloatField(label=gettext_lazy("Investment (capex)"), min_value=0)
    lifetime_years = forms.IntegerField(label=gettext_lazy("Lifetime [years]"), min_value=1, max_value=50)
    discount_rate = forms.FloatField(label=gettext_lazy("Discount rate [% a year]"), min_value=-50, max_value=100)
    escalation = forms.FloatField(label=gettext_lazy("Price escalation [% a year, from the second year]"),
                                  min_value=-50, max_value=100, initial=0)
    opex_change = forms.FloatField(label=gettext_lazy("Change of operating costs [a year; positive costs more]"),
                                   initial=0, required=False)
    grant = forms.FloatField(label=gettext_lazy("Grant (received at the start)"), min_value=0, initial=0, required=False)
    # xgettext:no-python-format
    loan_share = forms.FloatField(label=gettext_lazy("Loan [% of the investment less the grant]"), min_value=0,
                                  max_value=100, initial=0, required=False)
    loan_rate = forms.FloatField(label=gettext_lazy("Loan interest [% a year]"), min_value=0, max_value=100,
                                 required=False)
    loan_tenor_years = forms.IntegerField(label=gettext_lazy("Loan tenor [years]"), min_value=1, max_value=50,
                                          required=False)
    tax_rate = forms.FloatField(label=gettext_lazy("Profit tax [%] (0: no tax modelled)"), min_value=0, max_value=100,
                                initial=0, required=False)
    grid_factor = forms.ChoiceField(label=gettext_lazy("Grid factor for avoided electricity"), choices=GRID_FACTORS,
                                    initial="inventory")
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, min_length=3, initial="USD")
    # rooftop solar (only on a solar case)
    kwp = forms.FloatField(label=gettext_lazy("Size [kWp]"), min_value=0.1, max_value=100000, required=False)
    roof_area_m2 = forms.FloatField(label=gettext_lazy("or roof area [m²]"), min_value=1, max_value=10_000_000, required=False)
    tilt_deg = forms.FloatField(label=gettext_lazy("Tilt [°]"), min_value=0, max_value=90, initial=10, required=False)
    azimuth_deg = forms.FloatField(label=gettext_lazy("Azimuth [°, 180 = south]"), min_value=0, max_value=360,
                                   initial=180, required=False)
    export_price = forms.FloatField(label=gettext_lazy("Price paid for electricity exported [per kWh] (0: none)"),
                                    min_value=0, initial=0, required=False)
    monthly_ghi = forms.CharField(
        label=gettext_lazy("Monthly irradiation of the site [kWh/m² a day], 12 values from January"), required=False,
        max_length=300, help_text=gettext_lazy("From PVGIS, NASA POWER or a national solar atlas. Without them the "
                                               "clear-sky yield is used: an upper bound."))
    irradiance_source = forms.CharField(label=gettext_lazy("Source of the irradiation"), max_length=200, required=False)
    weather_file = forms.FileField(label=gettext_lazy("Weather file (TMY3, EPW, PVGIS TMY)"),
                                   required=False)
    weather_format = forms.ChoiceField(label=gettext_lazy("Its format"), choices=WEATHER_FORMATS, required=False)
    hourly_load = forms.FileField(label=gettext_lazy("Hourly electricity use [kWh], a CSV of one column"),
                                  required=False)
    # a park's group solar (only on a park's case)
    sale_price = forms.FloatField(label=gettext_lazy("Price of the electricity sold to the tenants [per kWh]"),
                                  min_value=0, required=False)
    rule = forms.ChoiceField(label=gettext_lazy("Division among the tenants"), choices=ALLOCATION_RULES,
                             initial="consumption", required=False)

    SOLAR_FIELDS = ("kwp", "roof_area_m2", "tilt_deg", "azimuth_deg", "export_price", "monthly_ghi",
                    "irradiance_source", "weather_file", "weather_format", "hourly_load")

    def __init__(self, *args, lines=(), solar=False, tenants=None, **kwargs):
        """``tenants``: a park's group solar, [(facility, pre-filled share)]: a share field ``share-<pk>`` each."""
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        self.solar = solar or tenants is not None
        self.tenants = list(tenants or ())
        solar = self.solar
        if tenants is None:
            del self.fields["sale_price"], self.fields["rule"]
        else:
            del self.fields["hourly_load"]      # the tenants' own use: their monthly totals
            self.fields["sale_price"].required = True
            self.fields["rule"].required = True
            for facility, share in self.tenants:
                self.fields[f"share-{facility.pk}"] = forms.FloatField(
                    label=facility.name, min_value=0, required=False, initial=plain(share))
        for i, line in enumerate(self.lines):
            unit = line.get("unit", "")
            self.fields[f"line-{i}-baseline"] = forms.FloatField(
                label=_("Yearly use [%(unit)s]") % {"unit": unit}, min_value=0, required=not solar)
            self.fields[f"line-{i}-share"] = forms.FloatField(
                # xgettext:no-python-format
                label=_("Saving [% of the yearly use]"), min_value=0, max_value=100, required=not solar)
            self.fields[f"line-{i}-price"] = forms.FloatField(
                label=_("Price [per %(unit)s]") % {"unit": unit}, min_value=0, required=True)
        if not solar:
            for name in self.SOLAR_FIELDS:
                del self.fields[name]

    def tenant_fields(self):
        """Per tenant of a park's case: (facility, its share field), for the template."""
        return [(facility, self[f"share-{facility.pk}"]) for facility, _share in self.tenants]

    def clean_weather_file(self):
        """(bytes, {name, sha256, format}) of the uploaded weather file, its format chosen or recognised; None without."""
        file = self.cleaned_data.get("weather_file")
        if not file:
            return None
        data, kept = _upload(file)
        fmt = self.data.get("weather_format") or sniff_weather_format(data)
        if fmt not in dict(WEATHER_FORMATS) or not fmt:
            raise forms.ValidationError(_("The file's format is not recognised: choose it."))
        return data, {**kept, "format": fmt}

    def clean_hourly_load(self):
        """(values, {name, sha256, rows}) of the uploaded hourly load; None without."""
        file = self.cleaned_data.get("hourly_load")
        if not file:
            return None
        data, kept = _upload(file)
        values = read_hourly_load(data)
        return values, {**kept, "rows": len(values)}

    def shares(self) -> dict:
        """A park's case: {facility pk: its share as entered} (a tenant left blank counts 0)."""
        return {facility.pk: self.cleaned_data.get(f"share-{facility.pk}") or 0.0 for facility, _s in self.tenants}

    def line_fields(self):
        """Per line: (line, baseline field, share field, price field) as bound fields, for the template."""
        return [(line, self[f"line-{i}-baseline"], self[f"line-{i}-share"], self[f"line-{i}-price"])
                for i, line in enumerate(self.lines)]

    def clean_monthly_ghi(self):
        """12 daily means [kWh/m² a day], separated by spaces or semicolons; a decimal comma is read as a point."""
        text = (self.cleaned_data.get("monthly_ghi") or "").strip()
        if not text:
            return None
        parts = [p for p in re.split(r"[;\s]+", text) if p]
        try:
            values = [float(p.replace(",", ".")) for p in parts]
        except ValueError:
            raise forms.ValidationError(_("Give 12 numbers separated by spaces or semicolons.")) from None
        if len(values) != 12:
            raise forms.ValidationError(_("Give 12 values, one for each month from January: %(n)s given.")
                                        % {"n": len(values)})
        if any(not (0 < v <= 12) or v != v for v in values):
            raise forms.ValidationError(_("Each month's irradiation lies between 0 and 12 kWh/m² a day."))
        return values

    def clean(self):
        data = super().clean()
        if self.solar and data.get("monthly_ghi") and not (data.get("irradiance_source") or "").strip():
            self.add_error("irradiance_source", _("Say where the irradiation comes from."))
        if self.solar and not data.get("kwp") and not data.get("roof_area_m2") and not self.errors.get("kwp"):
            self.add_error("kwp", _("Give the size in kWp or the roof area."))
        if self.tenants and data.get("rule") not in (None, "", "equal") and not any(self.shares().values()):
            self.add_error("rule", _("Give each tenant's share."))
        if (data.get("loan_share") or 0) > 0:
            if data.get("loan_rate") is None:
                self.add_error("loan_rate", _("A loan needs its interest rate."))
            if not data.get("loan_tenor_years"):
                self.add_error("loan_tenor_years", _("A loan needs its tenor."))
            elif data.get("lifetime_years") and data["loan_tenor_years"] > data["lifetime_years"]:
                self.add_error("loan_tenor_years", _("The loan's tenor cannot be longer than the lifetime."))
        if data.get("grant") and data.get("capex") is not None and data["grant"] > data["capex"]:
            self.add_error("grant", _("The grant cannot exceed the investment."))
        return data

    def document(self, *, country: str, year: int, savings: list | None = None) -> dict:
        """The ``loomlight case`` document of the cleaned inputs (rates as fractions); ``savings`` replaces the
        lines' (a solar case's, computed from its generation)."""
        d = self.cleaned_data
        given = savings
        savings = []
        for i, line in enumerate(self.lines if given is None else ()):
            baseline, share = d.get(f"line-{i}-baseline"), d.get(f"line-{i}-share")
            if baseline is None or share is None:
                continue
            savings.append({"metric": line["metric"], "quantity": baseline * share / 100, "unit": line["unit"],
                            "price": d[f"line-{i}-price"]})
        doc = {"country": country, "year": year, "capex": d["capex"], "lifetime_years": d["lifetime_years"],
               "discount_rate": d["discount_rate"] / 100, "savings": savings if given is None else given,
               "escalation": (d.get("escalation") or 0) / 100, "opex_change": d.get("opex_change") or 0,
               "grant": d.get("grant") or 0, "tax_rate": (d.get("tax_rate") or 0) / 100,
               "grid_factor": d["grid_factor"], "currency": d["currency"].upper()}
        if (d.get("loan_share") or 0) > 0:
            doc["loan"] = {"share": d["loan_share"] / 100, "rate": d["loan_rate"] / 100,
                           "tenor_years": d["loan_tenor_years"]}
        if self.solar:
            doc["solar"] = {k: d[k] for k in ("kwp", "roof_area_m2", "tilt_deg", "azimuth_deg", "export_price",
                                              "monthly_ghi", "irradiance_source", "sale_price")
                            if d.get(k) not in (None, "")}
            # what was uploaded is named and hashed, never kept
            if d.get("weather_file"):
                doc["solar"]["weather_file"] = d["weather_file"][1]
            if d.get("hourly_load"):
                doc["solar"]["hourly_load"] = d["hourly_load"][1]
        return doc


def initial_from_document(doc: dict, lines) -> dict:
    """The form's values of a stored document (percent for rates), for "Edit"."""
    initial = {k: doc.get(k) for k in ("capex", "lifetime_years", "opex_change", "grant", "grid_factor", "currency")}
    for key in ("discount_rate", "escalation", "tax_rate"):
        if doc.get(key) is not None:
            initial[key] = round(doc[key] * 100, 6)
    loan = doc.get("loan") or {}
    if loan:
        initial.update(loan_share=round(loan["share"] * 100, 6), loan_rate=round(loan["rate"] * 100, 6),
                       loan_tenor_years=loan["tenor_years"])
    solar = dict(doc.get("solar") or {})
    for key in ("yield", "weather_file", "hourly_load", "park"):     # an upload is given again; the park's below
        solar.pop(key, None)
    if isinstance(solar.get("monthly_ghi"), list):
        solar["monthly_ghi"] = " ".join(f"{v:g}" for v in solar["monthly_ghi"])
    initial.update(solar)
    park = (doc.get("solar") or {}).get("park") or {}
    if park:
        initial["rule"] = park.get("rule")
        initial.update({f"share-{row['facility']}": row.get("basis") for row in park.get("shares", [])})
    initial = {k: plain(v) if isinstance(v, float) else v for k, v in initial.items()}
    by_metric = {s.get("metric"): s for s in doc.get("savings", [])}
    for i, line in enumerate(lines):
        saved = by_metric.get(line["metric"])
        if saved and line.get("quantity"):
            initial[f"line-{i}-baseline"] = plain(line["quantity"])
            initial[f"line-{i}-share"] = plain(round(saved["quantity"] / line["quantity"] * 100, 6))
        if saved:
            initial[f"line-{i}-price"] = plain(saved.get("price"))
    return initial
