"""Keep the names that live in reference data (countries.csv, metrics.csv) in every
django.po, so that they are translated like any other string. They are data, not
code, so makemessages marks them obsolete: this brings them (and their
translations) back, appends new ones, and then drops entries really obsolete."""

import csv
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "loomlight"
DATA_FILES = {"countries.csv": "country name", "metrics.csv": "metric name", "wastewater_parameters.csv": "wastewater parameter"}

strings: dict[str, str] = {}
for filename, label in DATA_FILES.items():
    with open(PACKAGE / "reference" / filename, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            strings.setdefault(row["name"], f"{label}, reference/{filename}")

for po_path in sorted((PACKAGE / "locale").glob("*/LC_MESSAGES/django*.po")):
    po = polib.pofile(str(po_path))
    if po_path.name == "django.po":
        entries = {entry.msgid: entry for entry in po}
        for name, comment in strings.items():
            entry = entries.get(name)
            if entry is None:
                po.append(polib.POEntry(msgid=name, msgstr="", comment=comment))
            else:
                entry.obsolete = False
                entry.comment = comment
    for entry in [e for e in po if e.obsolete]:
        po.remove(entry)
    po.save()
