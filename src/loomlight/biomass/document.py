"""The fuel-switch document: the INPUT.json of ``loomlight biomass switch``, checked, parsed and evaluated.

(Interface; the body follows.)
"""

from __future__ import annotations

from loomlight.interventions.document import DocumentInvalid

__all__ = ["DocumentInvalid", "switch_document", "case_document"]


def switch_document(doc) -> dict:
    """The output object of a switch document (the command's ``--format json``); DocumentInvalid with every error
    (JSON path, message) otherwise."""
    raise NotImplementedError


def case_document(doc, out: dict) -> dict:
    """A ``loomlight case`` input document (interventions.document) for the switch of ``doc`` with its output
    ``out``: the old fuel saved at its price, the biomass bought at its price (a negative saving), capex 0 for the
    user to set, lifetime and discount rate defaults to edit."""
    raise NotImplementedError
