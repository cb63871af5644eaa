"""Views, by area. Each loads, checks access, calls the workflow or a form, renders."""

import re

from django.http import HttpResponse

_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,15}")


def int_param(value, *, low: int = 0, high: int = 2**31 - 1) -> int | None:
    """A whole number from a query string or a form field, or None when it is not one or lies
    outside [low, high] (ids and years come from users and may be anything). Only ASCII digits
    count: Python's int() would also take "١٢", "1_000" or a 5,000-digit string (and then fail)."""
    text = str(value).strip() if value is not None else ""
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def download(data: bytes, content_type: str, name: str) -> HttpResponse:
    """A generated file offered as a download under `name`."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
