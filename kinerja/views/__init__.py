"""Views, by area. Each loads, checks access, calls the workflow or a form, renders."""


def int_param(value, *, low: int = 0, high: int = 2**31 - 1) -> int | None:
    """A whole number from a query string or a form field, or None when it is not one or lies
    outside [low, high] (ids and years come from users and may be anything)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None
