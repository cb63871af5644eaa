"""Numbers as Indonesian offices type them: "8.785,00", "93,75%", "Rp 1.500.000", "82 (>100%)".
"-", "n/a" and an empty cell mean no value, never zero."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EMPTY = {"", "-", "--", "---", "–", "—", "n/a", "na", "n.a", "n.a.", "tidak ada", "#n/a"}
ZERO = {"nihil", "nol"}  # what offices write for a count of none: zero, unlike "-" (no value)
_simple = re.compile(r"^-?\d{1,12}(,\d+)?$")
_accounting = re.compile(r"^\(\s*[\d.,]+\s*\)$")
_annotation = re.compile(r"\s*\(.*\)\s*$")
_thousands_only = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_plain = re.compile(r"^-?\d+(\.\d+)?$")


PERCENT_UNITS = re.compile(r"%|persen|prosen")
MONEY_UNITS = re.compile(r"\brp\b|rupiah")


class NotANumber(ValueError):
    pass


class OtherUnit(NotANumber):
    """A number typed with the sign of another unit than its figure's: "85%" for a count of desa,
    "Rp 12" for a number of kegiatan. The sign is never dropped in silence."""

    def __init__(self, written, sign: str, unit: str):
        super().__init__(written)
        self.written, self.sign, self.unit = str(written).strip(), sign, unit

    def sentence(self, code: str = "") -> str:
        """What to do, for an indicator's figure (its `code`) or, without one, a column in a fixed
        unit (the budget's rupiah)."""
        mark = "%" if self.sign == "persen" else "Rp"
        if not code:
            return (
                f"'{self.written}' ditulis dalam {self.sign} ({mark}), padahal kolom ini dalam {self.unit}. Tulis "
                f"angkanya dalam {self.unit} tanpa {mark}."
            )
        return (
            f"'{self.written}' ditulis dalam {self.sign} ({mark}), padahal satuan {code} adalah '{self.unit}'. Tulis "
            f"angkanya dalam {self.unit} tanpa {mark}; bila satuan pada data induk yang keliru, minta Kasubag "
            "Perencanaan dan Pelaporan memperbaikinya."
        )


def _other_unit_sign(text: str, unit: str) -> str | None:
    """ "persen" or "rupiah" when lowered `text` carries that sign (outside a trailing note such
    as "(>100%)") and `unit` is not of that kind."""
    kept = _annotation.sub("", text).strip()
    low = unit.lower()
    if "%" in kept and not PERCENT_UNITS.search(low):
        return "persen"
    if kept.startswith("rp") and not MONEY_UNITS.search(low):
        return "rupiah"
    return None


def parse_number(value, *, unit: str = "") -> Decimal | None:
    """A cell's value as a Decimal, None for "no value"; NotANumber for text that is not one.
    With the indicator's `unit`, a number followed by that unit ("3 kejadian") is read too, and
    one typed with the sign of another unit ("85%" for desa) raises OtherUnit."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NotANumber(str(value))
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip()
    # Fast paths for what templates mostly hold: "85" and "85,5".
    if _simple.match(text):
        return Decimal(text.replace(",", "."))
    text = text.lower().replace("\u00a0", " ")
    if text in EMPTY:
        return None
    if text in ZERO:
        return Decimal(0)
    if unit and (sign := _other_unit_sign(text, unit)):
        raise OtherUnit(value, sign, unit.strip())
    unit = (unit or "").strip().lower()
    if unit and unit != "%" and text.endswith(unit) and text[: -len(unit)].strip():
        text = text[: -len(unit)].strip()  # "3 kejadian" for an indicator counted in kejadian
    negative = bool(_accounting.match(text))  # "(5)" is minus five, as accountants write it
    if negative:
        text = text.strip("() ")
    text = _annotation.sub("", text)  # "82 (>100%)" -> "82"
    text = text.replace("rp.", "").replace("rp", "").replace("%", "").replace(" ", "")
    text = re.sub(r"[,.]-+$", "", text)  # "1.950.000.000,-": the dash closes an amount
    if text.startswith("+"):
        text = text[1:]
    if not text or text in EMPTY:
        return None
    if "," in text and "." in text:
        # Indonesian: dots group thousands, the comma marks decimals ("1.234,56").
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:  # written the English way ("1,234.56")
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            raise NotANumber(value)
        text = text.replace(",", ".")
    elif "." in text and _thousands_only.match(text):
        text = text.replace(".", "")  # "1.500.000", "8.785"
    if not _plain.match(text):
        raise NotANumber(value)
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise NotANumber(value) from exc
    if abs(number) >= Decimal("1e14"):
        raise NotANumber(value)
    return -number if negative else number


def format_number(value: Decimal | None) -> str:
    """A Decimal written the Indonesian way: 1.234,5 (no trailing zeros)."""
    if value is None:
        return "-"
    normalised = value.normalize() if value == value.to_integral() else value
    sign = "-" if normalised < 0 else ""
    text = f"{abs(normalised):f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + ("," + fraction if fraction else "")


def display_number(value, missing: str = "—") -> str:
    """A figure for a page: rounded to two decimals, written the Indonesian way (1.234,5), and a
    dash when missing."""
    if value is None or value == "":
        return missing
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return format_number(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
