"""Small rules of how the application writes Indonesian sentences, used by pages, messages and
documents alike."""


def sentence(text) -> str:
    """`text` ending in one full stop: a name that ends in an academic title ("Sri Lestari,
    S.Sos.") or a text that already ends a sentence is not given a second one."""
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def sentences(*parts) -> str:
    """Non-empty parts as sentences joined by one space, each ending in one full stop."""
    return " ".join(sentence(part) for part in parts if part and str(part).strip())


def office_heading(organisation) -> str:
    """The office's name as it heads its SOP sheet: "PEMERINTAH KECAMATAN KLEGO KABUPATEN
    BOYOLALI" from "Kecamatan Klego" of "Pemerintah Kabupaten Boyolali"."""
    region = str(organisation.government).strip()
    if region.lower().startswith("pemerintah "):
        region = region[len("pemerintah ") :].strip()
    return " ".join(f"PEMERINTAH {organisation.name} {region}".upper().split())


def letterhead_lines(organisation) -> list[str]:
    """The heading lines of the kop surat as the office writes them (Organisation.letterhead), or
    the regional government over the office's name: "PEMERINTAH KABUPATEN BOYOLALI", "KECAMATAN
    KLEGO"."""
    written = [line.strip().upper() for line in (organisation.letterhead or "").splitlines() if line.strip()]
    return written[:2] or [organisation.government.upper(), organisation.name.upper()]


MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def long_date(day) -> str:
    """A date as a signature block writes it: "2 November 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


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
