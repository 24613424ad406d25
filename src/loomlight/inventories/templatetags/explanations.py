"""``{% year_flags data.months as flags %}``: each flag of a year's months once, numbered, and each month's markers
(``inventories.explain.year_flags``), for the months table of the emissions page."""

from django import template

from loomlight.inventories import explain

register = template.Library()


@register.simple_tag
def year_flags(rows):
    return explain.year_flags(rows)


@register.filter
def every_month(flags, note):
    """``{% if flags|every_month:note %}``: does the flag concern every month of the table?"""
    return flags.every_month(note)
