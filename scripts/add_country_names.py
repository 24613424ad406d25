"""Add the country names of reference/countries.csv to every django.po, so that
they are translated like any other string (they are data, not code, so
makemessages cannot find them)."""

import csv
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "loomlight"

with open(PACKAGE / "reference" / "countries.csv", encoding="utf-8") as fh:
    names = [row["name"] for row in csv.DictReader(fh)]

for po_path in sorted((PACKAGE / "locale").glob("*/LC_MESSAGES/django.po")):
    po = polib.pofile(str(po_path))
    known = {entry.msgid for entry in po}
    for name in names:
        if name not in known:
            po.append(polib.POEntry(msgid=name, msgstr="", comment="country name, reference/countries.csv"))
    po.save()
