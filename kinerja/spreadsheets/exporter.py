"""Writing spreadsheets safely: text a spreadsheet program would run as a formula is neutralised."""

from __future__ import annotations

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_text(value):
    """Text for a cell: one that starts like a formula gets a leading apostrophe, so Excel and
    LibreOffice show it as text and never run it. Numbers and None pass through."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value
