"""Who signs a printed document: the official who held the position on the document's date (an
acting holder as "Plt."), with the function as the office writes it, their pangkat/golongan and NIP.
One place for the rule; kinerja/reports/layout.signature_blocks draws it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .models import Organisation, Position, Role


@dataclass(frozen=True)
class Signer:
    function: str  # "Kepala Subbagian Perencanaan dan Pelaporan", with "Plt. " for an acting holder
    name: str  # empty when nobody held the position that day: a line to write the name on
    pangkat: str = ""
    nip: str = ""
    lead: str = ""  # "Mengetahui," above the function
    elected: bool = False  # a Bupati: no NIP line under the name


def functions(organisation: Organisation) -> dict[str, str]:
    """Each signing role's function as printed under the signature."""
    place = town(organisation)
    return {
        Role.KEPALA: f"Camat {place}".strip(),
        Role.SEKRETARIS: "Sekretaris Kecamatan",
        Role.KASUBAG: "Kepala Subbagian Perencanaan dan Pelaporan",
    }


def town(organisation: Organisation) -> str:
    """The place a document is signed at: "Klego" for "Kecamatan Klego"."""
    name = organisation.name.strip()
    return name[len("kecamatan ") :].strip() if name.lower().startswith("kecamatan ") else name


def signer(organisation: Organisation, role: str, on: datetime.date, *, lead: str = "") -> Signer:
    """The holder of `role` in the organisation on `on` (the latest-started position if two
    overlap), or an empty name when the position was vacant that day."""
    function = functions(organisation).get(role, dict(Role.choices).get(role, role))
    return _holder(organisation, on, function, lead, role=role)


def _held(organisation: Organisation, on: datetime.date, **which):
    """The positions `which` selects on `on`, the latest-started first (it signs if two overlap)."""
    return (
        Position.objects.active_on(on)
        .filter(organisation=organisation, user__is_active=True, **which)
        .select_related("user")
        .order_by("-start_date", "-pk")
    )


def _holder(organisation: Organisation, on: datetime.date, function: str, lead: str, **which) -> Signer:
    """The signer holding the position `which` selects on `on` (the latest-started if two
    overlap; "Plt." for an acting holder), or an empty name when none did."""
    return _signed_by(_held(organisation, on, **which).first(), function, lead)


def _signed_by(position, function: str, lead: str) -> Signer:
    if position is None:
        return Signer(function=function, name="", lead=lead)
    user = position.user
    return Signer(
        function=f"Plt. {function}" if position.acting else function,
        name=user.get_full_name() or user.username,
        pangkat=user.pangkat,
        nip=user.nip,
        lead=lead,
    )


MENGETAHUI = "Mengetahui,"


def signers(organisation: Organisation, on: datetime.date, *roles: tuple[str, str]) -> list[Signer]:
    """The signers of a document, left to right: (role, lead) pairs, the maker last; read in one
    query (each as `signer` would find it)."""
    held: dict[str, Position] = {}
    for position in _held(organisation, on, role__in={role for role, _lead in roles}):
        held.setdefault(position.role, position)
    named = functions(organisation)
    return [
        _signed_by(held.get(role), named.get(role, dict(Role.choices).get(role, role)), lead) for role, lead in roles
    ]


def local_day(moment) -> datetime.date:
    """A document's date from the moment it records (or today when it records none yet)."""
    from django.utils import timezone

    return timezone.localdate(moment) if moment else timezone.localdate()


def regent(organisation: Organisation) -> Signer:
    """The head of the regional government (pihak kedua of the kecamatan's Perjanjian Kinerja):
    "Bupati Boyolali" read from "Pemerintah Kabupaten Boyolali" unless the office wrote its own
    title. Elected, so no NIP or pangkat; an empty name leaves a dotted line."""
    title = organisation.regent_title.strip()
    if not title:
        government = organisation.government.strip()
        for prefix, head in (("pemerintah kabupaten ", "Bupati "), ("pemerintah kota ", "Wali Kota ")):
            if government.lower().startswith(prefix):
                title = head + government[len(prefix) :].strip()
                break
        else:
            title = "Kepala Daerah"
    return Signer(function=title, name=organisation.regent_name.strip(), elected=True)


def section_head(organisation: Organisation, section, on: datetime.date, *, lead: str = "") -> Signer:
    """The head of a seksi or subbagian on `on` (a Kepala Seksi, or the Kasubag of his unit;
    "Plt." for an acting holder), or an empty name when the post was vacant that day."""
    return _holder(
        organisation, on, f"Kepala {section.name}", lead, section=section, role__in=(Role.KASI, Role.KASUBAG)
    )
