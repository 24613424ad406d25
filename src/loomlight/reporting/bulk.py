"""Many months at once: submit a facility's complete months; verify, return or reopen months of many facilities.

Each month still goes through its one-month service (``services.period_submit``, ``period_verify``,
``period_return``, ``period_reopen``): the same checks, the same separation of duties, one audit event per
month in the same transaction as its change. A bulk action is **month by month**, as an assessor who ticked
twelve months expects: the months that can go through go through, each month that cannot is refused with its
reason (not submitted any more, entered or submitted by this reviewer, not in their scope, incomplete), nothing
of a refused month changes, and the result names both. What is wrong with the whole request (no month ticked,
more than ``MAX_MONTHS``, a return without its comment, a reopen without its reason) refuses all of it before
any month is touched, with an error on the field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loomlight.calc import periods
from loomlight.reference.metrics import metrics
from loomlight.registry import policy
from loomlight.registry.models import Facility
from loomlight.registry.policy import Action
from loomlight.reporting import selectors, services
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod
from loomlight.site import periods as clock
from loomlight.site.numbers import number

#: the most months one action takes (a programme's year of 40 facilities); more is refused on ``months``
MAX_MONTHS = 500

VERIFY, RETURN, REOPEN, SUBMIT = "verify", "return", "reopen", "submit"


@dataclass(frozen=True)
class Month:
    """One facility-month of a bulk action: the facility's id and name, the first of the month."""

    facility_id: int
    facility_name: str
    period: datetime.date

    @property
    def label(self) -> str:
        return f"{self.facility_name} {self.period:%Y-%m}"


@dataclass(frozen=True)
class Refusal:
    month: Month
    reason: str


@dataclass
class BulkResult:
    """What a bulk action did: the months it changed and the months it refused, each with its reason."""

    action: str
    done: list[Month] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def summary(self) -> str:
        """"12 months verified; 2 refused." in the reader's language."""
        n = len(self.done)
        words = {"n": number(n), "refused": number(len(self.refused))}
        done = {
            VERIFY: ngettext("%(n)s month verified", "%(n)s months verified", n),
            RETURN: ngettext("%(n)s month returned", "%(n)s months returned", n),
            REOPEN: ngettext("%(n)s month reopened", "%(n)s months reopened", n),
            SUBMIT: ngettext("%(n)s month submitted", "%(n)s months submitted", n),
        }[self.action] % words
        if not self.refused:
            return done + "."
        if self.action == SUBMIT:   # what is incomplete is not refused: it is not ready yet
            return done + "; " + ngettext("%(refused)s not submitted:", "%(refused)s not submitted:",
                                          len(self.refused)) % words
        return done + "; " + ngettext("%(refused)s refused:", "%(refused)s refused:", len(self.refused)) % words

    def as_dict(self) -> dict:
        """Plain data (for the session between the POST and the page that shows it, and for the API)."""
        return {"action": self.action, "summary": self.summary(),
                "done": [{"facility": m.facility_id, "facility_name": m.facility_name, "period": f"{m.period:%Y-%m}"}
                         for m in self.done],
                "refused": [{"facility": r.month.facility_id, "facility_name": r.month.facility_name,
                             "period": f"{r.month.period:%Y-%m}", "reason": r.reason} for r in self.refused]}


def _reason(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return _("You may not do this for this facility.")
    return " ".join(exc.messages)


def check_count(months: list) -> None:
    """Refuse, on ``months``, an action on no month or on more than MAX_MONTHS (before any is read or touched)."""
    if not months:
        raise ValidationError({"months": [_("Tick at least one month.")]})
    if len(months) > MAX_MONTHS:
        raise ValidationError({"months": [_("At most %(max)s months at once: %(n)s were sent. Filter the list and "
                                            "act on fewer months.") % {"max": number(MAX_MONTHS), "n": number(len(months))}]})


def _months(by, months: Iterable[tuple[int, datetime.date]]) -> tuple[list[tuple[Month, Facility | None]], list]:
    """The distinct (facility id, month) pairs asked for, in their order, each with its facility when ``by`` may
    verify its months (None otherwise: refused, named by the id that was sent, so nothing leaks)."""
    pairs = list(dict.fromkeys((int(f), p) for f, p in months))
    check_count(pairs)
    ids = {f for f, _p in pairs}
    facilities = {f.pk: f for f in policy.facilities_verifiable(by).filter(pk__in=ids)}
    return [(Month(f, facilities[f].name if f in facilities else f"#{f}", p), facilities.get(f)) for f, p in pairs], pairs


def _each(by, action: str, months, call) -> BulkResult:
    result = BulkResult(action)
    for month, facility in _months(by, months)[0]:
        if facility is None:
            result.refused.append(Refusal(month, _("You may not verify the months of this facility.")))
            continue
        try:
            call(facility, month.period)      # the one-month service: its own transaction and audit event
        except (ValidationError, PermissionDenied) as exc:
            result.refused.append(Refusal(month, _reason(exc)))
        else:
            result.done.append(month)
    return result


def months_verify(*, by, months: Iterable[tuple[int, datetime.date]], via: str = "web") -> BulkResult:
    """Verify each of ``months`` ((facility id, first of the month) pairs) through ``services.period_verify``:
    refused, with its reason, for a month not submitted, one ``by`` entered or submitted, or of a facility
    outside their scope; the others are verified."""
    return _each(by, VERIFY, months, lambda f, p: services.period_verify(by=by, facility=f, period=p, via=via))


def months_return(*, by, months: Iterable[tuple[int, datetime.date]], comment: str, via: str = "web") -> BulkResult:
    """Return each of ``months`` for correction with the one ``comment`` (required, on ``comment``)."""
    comment = services._required(comment, "comment")
    months = list(months)
    return _each(by, RETURN, months, lambda f, p: services.period_return(by=by, facility=f, period=p, comment=comment,
                                                                         via=via))


def months_reopen(*, by, months: Iterable[tuple[int, datetime.date]], reason: str, via: str = "web") -> BulkResult:
    """Reopen each of the verified ``months`` with the one ``reason`` (required, on ``reason``)."""
    reason = services._required(reason, "reason")
    months = list(months)
    return _each(by, REOPEN, months, lambda f, p: services.period_reopen(by=by, facility=f, period=p, reason=reason,
                                                                         via=via))


# --- submitting a facility's complete months ----------------------------------------------------------------

@dataclass
class Submittable:
    """A facility's year as "Submit complete months" sees it: the months ready to submit (draft or returned,
    ended, every applicable metric reported) and, month by month, what the others lack."""

    year: int
    ready: list[datetime.date] = field(default_factory=list)
    incomplete: list[tuple[datetime.date, list[str]]] = field(default_factory=list)   # (month, metric names)


def submittable(facility: Facility, year: int, *, today: datetime.date | None = None,
                deadline_day: int | None = None) -> Submittable:
    """Which months of ``year`` one "Submit complete months" would submit, and what the others lack.

    The candidates are the months of the year that have ended and are neither submitted nor verified, among
    those due (``calc.periods.due_months``, from the facility's first month with data) or holding a value. A
    candidate is ready when every metric that applies (``selectors.applicable_metrics``) has a value
    (``calc.periods.completeness``); an empty month is named as "nothing reported". Four queries."""
    today = today or clock.today()
    deadline_day = deadline_day or clock.deadline_day()
    reported: dict[int, set[str]] = {}
    for period, metric in (ActivityValue.objects.filter(facility=facility, period__year=year).order_by()
                           .values_list("period", "metric")):
        reported.setdefault(period.month, set()).add(metric)
    first = ActivityValue.objects.filter(facility=facility).order_by("period").values_list("period", flat=True).first()
    locked = {p.month for p in ReportingPeriod.objects.filter(facility=facility, period__year=year)
              .exclude(status__in=services.EDITABLE_STATUSES).values_list("period", flat=True)}
    ended = [m for m in range(1, 13) if datetime.date(year, m, 1) < today.replace(day=1)]
    due = set(periods.due_months(year, today, deadline_day, since=(first.year, first.month) if first else None))
    candidates = [m for m in ended if m not in locked and (m in due or m in reported)]
    applicable, _saved = selectors.applicable_metrics(facility)
    check = periods.completeness(reported, applicable, candidates)
    catalogue = metrics()
    result = Submittable(year, ready=[datetime.date(year, m, 1) for m in check.complete])
    result.incomplete = [(datetime.date(year, m, 1), [gettext(catalogue[c].name) if c in catalogue else c for c in codes])
                         for m, codes in sorted(check.missing.items())]
    return result


def months_submit_complete(*, by, facility: Facility, year: int, via: str = "web") -> BulkResult:
    """Submit every complete month of ``year`` (``submittable``) through ``services.period_submit``, one by one;
    each incomplete month is refused, naming the metrics it lacks, and stays as it is."""
    policy.require(by, Action.ENTER_DATA, facility)
    plan = submittable(facility, year)
    result = BulkResult(SUBMIT)
    for period in plan.ready:
        month = Month(facility.pk, facility.name, period)
        try:
            services.period_submit(by=by, facility=facility, period=period, via=via)
        except (ValidationError, PermissionDenied) as exc:
            result.refused.append(Refusal(month, _reason(exc)))
        else:
            result.done.append(month)
    for period, names in plan.incomplete:
        reason = (_("Incomplete: no value of %(metrics)s.") % {"metrics": ", ".join(names)} if names
                  else _("Incomplete: nothing reported."))
        result.refused.append(Refusal(Month(facility.pk, facility.name, period), reason))
    result.refused.sort(key=lambda r: r.month.period)
    return result
