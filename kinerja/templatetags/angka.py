"""Numbers on the pages written as the office writes them: 1.234,5 (at most two decimals), and
a dash for a missing value. One plain function instead of `default_if_none|floatformat`, which
costs far more per cell on the long tables."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from ..spreadsheets.numbers import format_number

register = template.Library()

HUNDREDTH = Decimal("0.01")


@register.filter(is_safe=True)
def angka(value, missing: str = "—") -> str:
    if value is None or value == "":
        return missing
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return format_number(number.quantize(HUNDREDTH, rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
