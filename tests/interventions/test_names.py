"""The catalogue's names and outcomes reach the translators: interventions/names.py lists exactly the file's."""

from loomlight.interventions.names import NAMES, OUTCOMES
from loomlight.reference.interventions import interventions


def test_every_name_and_outcome_of_the_catalogue_is_a_message():
    items = interventions().values()
    assert list(NAMES) == [i.name for i in items]
    assert list(OUTCOMES) == [i.outcomes for i in items if i.outcomes]
