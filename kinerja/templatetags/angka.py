"""Numbers on the pages written as the office writes them: 1.234,5 (at most two decimals), and
a dash for a missing value. One plain function instead of `default_if_none|floatformat`, which
costs far more per cell on the long tables."""

from django import template

from ..spreadsheets.numbers import display_number

register = template.Library()


@register.filter(is_safe=True)
def angka(value, missing: str = "—") -> str:
    return display_number(value, missing)
