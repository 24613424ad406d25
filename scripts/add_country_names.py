"""Keep the country names of reference/countries.csv in every django.po, so that
they are translated like any other string. They are data, not code, so
makemessages marks them obsolete: this brings them (and their translations)
back, appends new ones, and then drops the entries that are really obsolete."""

import csv
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "loomlight"

with open(PACKAGE / "reference" / "countries.csv", encoding="utf-8") as fh:
    names = [row["name"] for row in csv.DictReader(fh)]

for po_path in sorted((PACKAGE / "locale").glob("*/LC_MESSAGES/django*.po")):
    po = polib.pofile(str(po_path))
    if po_path.name == "django.po":
        entries = {entry.msgid: entry for entry in po}
        for name in names:
            entry = entries.get(name)
            if entry is None:
                po.append(polib.POEntry(msgid=name, msgstr="", comment="country name, reference/countries.csv"))
            else:
                entry.obsolete = False
                entry.comment = "country name, reference/countries.csv"
    for entry in [e for e in po if e.obsolete]:
        po.remove(entry)
    po.save()
