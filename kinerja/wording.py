"""Small rules of how the application writes Indonesian sentences, used by pages, messages and
documents alike."""


def sentence(text) -> str:
    """`text` ending in one full stop: a name that ends in an academic title ("Sri Lestari,
    S.Sos.") or a text that already ends a sentence is not given a second one."""
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter(number) -> str:
    """A quarter as the office writes it everywhere: "TW I" … "TW IV" (never "TW 1")."""
    return f"TW {ROMAN[int(number)]}"


def moment(value) -> str:
    """A moment as office staff read it, "02-11-2026 08:00" (Asia/Jakarta), from a datetime or
    an ISO 8601 text (manifests keep ISO); anything else is shown as it is."""
    import datetime

    from django.utils import timezone

    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime.datetime):
        return "" if value is None else str(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return f"{timezone.localtime(value):%d-%m-%Y %H:%M}"
