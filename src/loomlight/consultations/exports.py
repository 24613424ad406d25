"""A period's comments as a download (CSV, XLSX): headers in the reader's language, one row a comment, text that a
spreadsheet would run as a formula defused (site.tables)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.site.tables import table_csv, table_xlsx

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def headers() -> list[str]:
    return [_("received"), _("section code"), _("section"), _("comment"), _("name"), _("organisation"), _("e-mail"),
            _("status"), _("personal details removed")]


def rows(comments) -> list[list]:
    return [[timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"), c.section.code, c.section.display_title, c.body,
             c.name, c.organisation, c.email, c.get_status_display(),
             timezone.localtime(c.redacted_at).strftime("%Y-%m-%d") if c.redacted_at else ""]
            for c in comments]


def comments(period, comments, *, fmt: str) -> tuple[bytes, str]:
    if fmt == "csv":
        return table_csv(headers(), rows(comments)), FORMATS["csv"]
    return table_xlsx(_("Comments"), headers(), rows(comments)), FORMATS["xlsx"]
