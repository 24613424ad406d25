"""Pages of biomass sourcing (filled in by the next commits)."""

from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404


supply_home = facility_supply = supplier_new = stream_new = portfolio = supplier_edit = _not_yet
stream_detail = stream_edit = step_add = step_edit = step_remove = step_move = _not_yet
screening_new = screening_detail = screening_edit = _not_yet
