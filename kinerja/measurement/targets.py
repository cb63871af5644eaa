"""A target as people write it, in one type: a number (85), a range (80–90) or a predicate (BB).
The master-data form, the master-data workbook (both ways), the model and the analysis all read
and write targets through it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..spreadsheets.numbers import NotANumber, OtherUnit, format_number, parse_number

RANGE = re.compile(r"^\s*(.+?)\s*(?:–|—|-|s\.\s*d\.?|s/d|sd|sampai(?: dengan)?)\s*(.+?)\s*$", re.IGNORECASE)
MAX_TEXT = 60
# A number written in words is a slip, not a predicate: "sepuluh" is refused, "BB" is a predicate.
NUMBER_WORDS = re.compile(
    r"\b(nol|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|seribu|"
    r"belas|puluh|ratus|ribu|juta|persen)\b",
    re.IGNORECASE,
)


class NotATarget(ValueError):
    """Raised with an Indonesian sentence for text that is no target."""


@dataclass(frozen=True)
class TargetValue:
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    text: str = ""

    @property
    def shown(self) -> str:
        """85, 80–90 or BB, written the Indonesian way."""
        if self.low is not None and self.high is not None:
            return f"{format_number(self.low)}–{format_number(self.high)}"
        if self.value is not None:
            return format_number(self.value)
        return self.text

    @property
    def cell(self):
        """For a spreadsheet cell: a number where it is one, else as shown."""
        return self.value if self.value is not None else self.shown

    def fields(self) -> dict:
        """The model's fields (Target.value, low, high, text)."""
        return {"value": self.value, "low": self.low, "high": self.high, "text": self.text}


def parse_target(raw, *, unit: str = "", code: str = "") -> TargetValue | None:
    """A target from a form field or a workbook cell: a number ("85", "85,5", 85.5), a range
    ("80–90", "80 - 90", "80 s.d. 90", "80 sampai 90") or a predicate ("BB", "A"); None when empty
    or "-". Raises NotATarget with a sentence for a range upside down, over-long text, or (with
    the indicator's `unit`, and its `code` for the sentence) a number typed with the sign of
    another unit ("85%" for desa)."""
    if raw is None:
        return None
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        return TargetValue(value=parse_number(raw))
    text = " ".join(str(raw).split())
    if not text or text in ("-", "—", "–"):
        return None
    try:
        number = parse_number(text, unit=unit)
    except OtherUnit as exc:
        raise NotATarget(exc.sentence(code)) from exc
    except NotANumber:
        pass
    else:  # a number, or a word for no value ("n/a")
        return TargetValue(value=number) if number is not None else None
    match = RANGE.match(text)
    if match:
        try:
            low, high = parse_number(match.group(1), unit=unit), parse_number(match.group(2), unit=unit)
        except OtherUnit as exc:
            raise NotATarget(exc.sentence(code)) from exc
        except NotANumber:
            low = high = None
        if low is not None and high is not None:
            if low > high:
                raise NotATarget(f"Rentang '{text}' terbalik: tulis batas bawah lebih dahulu, mis. 80–90.")
            return TargetValue(low=low, high=high)
    if NUMBER_WORDS.search(text):
        raise NotATarget(f"Target '{text}' ditulis dengan kata; tulis dengan angka, mis. 10 atau 85,5.")
    if len(text) > MAX_TEXT:
        raise NotATarget(f"Target teks paling panjang {MAX_TEXT} karakter (mis. BB atau A).")
    return TargetValue(text=text)


def of(target) -> TargetValue | None:
    """The TargetValue of a Target row (None for none)."""
    if target is None:
        return None
    if target.low is not None and target.high is not None:
        return TargetValue(low=target.low, high=target.high)
    if target.value is not None:
        return TargetValue(value=target.value)
    return TargetValue(text=target.text) if target.text else None
