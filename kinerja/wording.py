"""Small rules of how the application writes Indonesian sentences, used by pages, messages and
documents alike."""


def sentence(text) -> str:
    """`text` ending in one full stop: a name that ends in an academic title ("Sri Lestari,
    S.Sos.") or a text that already ends a sentence is not given a second one."""
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
