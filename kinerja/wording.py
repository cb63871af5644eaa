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
