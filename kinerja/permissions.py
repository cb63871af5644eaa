"""Who may do what, in one place. Views and the workflow both ask these functions.

A user's roles come from their Position rows on a given day, so a role handed to someone else
stops giving rights on the day the old position ends.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from .models import (
    Coordinator,
    Cycle,
    DocumentJob,
    Kabupaten,
    Letter,
    Organisation,
    Position,
    Role,
    Section,
    StepRun,
    User,
)
from .models.organisation import SECTION_ROLES

# A role may also do the work of the roles listed here (a Kepala Seksi can submit for the seksi).
ALSO_ACTS_AS = {Role.KASI: {Role.STAF}}
# Whom to tell when a holder of a role is late.
SUPERIOR = {
    Role.STAF: Role.KASI,
    Role.KASI: Role.SEKRETARIS,
    Role.KASUBAG: Role.SEKRETARIS,
    Role.SEKRETARIS: Role.KEPALA,
}

CYCLE_STARTERS = {Role.KASUBAG, Role.KEPALA}
CYCLE_CANCELLERS = {Role.KEPALA}
# The office's pages of a cycle (receipt, completeness, analysis, review, filing) and every
# section's data: the leadership, the Kasubag and the administrator.
OFFICE_ROLES = {Role.KEPALA, Role.SEKRETARIS, Role.KASUBAG, Role.ADMIN}
RECORD_AMENDERS = {Role.KASUBAG, Role.KEPALA}
MASTER_DATA_EDITORS = {Role.KASUBAG, Role.ADMIN}
# Who may upload a section's data and hand it in on the section's behalf, with a reason (the SOP
# puts the Kasubag in step 2's performer columns; sections send files by WhatsApp, staff go on leave).
ON_BEHALF_ROLES = {Role.KASUBAG, Role.SEKRETARIS}

# Positions read during one request, by (user, day): set by PositionsPerRequest middleware for
# the request's duration. Outside a request (commands, services called directly) every check
# reads the database, so a position that ended a moment ago never gives rights.
_request_positions: ContextVar[dict | None] = ContextVar("request_positions", default=None)


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def positions_of(user: User, on: datetime.date | None = None) -> list[Position]:
    """The positions a user holds on a day (read once per request)."""
    if not user.is_authenticated:
        return []
    day = _today(on)
    cache = _request_positions.get()
    if cache is not None and (user.pk, day) in cache:
        return cache[(user.pk, day)]
    positions = list(Position.objects.active_on(day).filter(user=user).select_related("section", "organisation"))
    if cache is not None:
        cache[(user.pk, day)] = positions
    return positions


@contextmanager
def positions_read_once():
    """Within this block (one request: middleware.PositionsPerRequest) each user's positions
    are read once."""
    token = _request_positions.set({})
    try:
        yield
    finally:
        _request_positions.reset(token)


def current_organisation(request) -> Organisation:
    """The organisation a page speaks for: the user's first (a user holds positions in one)."""
    organisations = organisations_of(request.user)
    if not organisations:
        raise PermissionDenied("Anda belum memegang jabatan di organisasi mana pun.")
    return organisations[0]


def is_member(user: User, organisation: Organisation, on: datetime.date | None = None) -> bool:
    """Holds a position in the organisation on the day (what every office page asks first, through
    current_organisation; a document request is checked again with it on the worker)."""
    return any(o.pk == organisation.pk for o in organisations_of(user, on))


def roles_in(user: User, organisation: Organisation, on: datetime.date | None = None) -> set[str]:
    return {p.role for p in positions_of(user, on) if p.organisation_id == organisation.pk}


def organisations_of(user: User, on: datetime.date | None = None) -> list[Organisation]:
    seen = {}
    for position in positions_of(user, on):
        seen.setdefault(position.organisation_id, position.organisation)
    return list(seen.values())


def primary_position(user: User, on: datetime.date | None = None) -> Position | None:
    order = [Role.KEPALA, Role.SEKRETARIS, Role.KASUBAG, Role.KASI, Role.STAF, Role.ADMIN]
    positions = sorted(positions_of(user, on), key=lambda p: order.index(p.role))
    return positions[0] if positions else None


def administered_organisations(user: User, on: datetime.date | None = None) -> set[int] | None:
    """The ids of the organisations a user administers on a day, through an Administrator
    position; None for the installation-wide superuser, who administers every organisation."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    return {p.organisation_id for p in positions_of(user, on) if p.role == Role.ADMIN}


def can_use_admin_site(user: User) -> bool:
    """The Django admin is for staff accounts that administer at least one organisation today
    (an administrator whose position ended loses it that day), and for the superuser."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    organisations = administered_organisations(user)
    return organisations is None or bool(organisations)


def is_admin(user: User, organisation: Organisation | None = None) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        p.role == Role.ADMIN and (organisation is None or p.organisation_id == organisation.pk)
        for p in positions_of(user)
    )


def _acts_as(role: str) -> set[str]:
    return {role, *ALSO_ACTS_AS.get(role, set())}


def _heads_unit(position: Position) -> bool:
    """The Kasubag heads the sub-division their position sits in (Subbagian Perencanaan dan
    Pelaporan): for that unit's own data they act as its Kepala and staff, without a reason."""
    return (
        position.role == Role.KASUBAG
        and position.section_id is not None
        and position.section.kind == Section.Kind.SUBBAGIAN
    )


def _position_roles(position: Position) -> set[str]:
    roles = _acts_as(position.role)
    if _heads_unit(position):
        roles |= {Role.KASI, Role.STAF}
    return roles


def acts_as(user: User, organisation_id: int, role: str, on: datetime.date | None = None) -> bool:
    """Does this user act in `role` (an office role) in the organisation on that day?"""
    return any(
        position.organisation_id == organisation_id and role in _acts_as(position.role)
        for position in positions_of(user, on)
    )


def can_act_on_run(user: User, run: StepRun, on: datetime.date | None = None) -> bool:
    """May this user close this step run: they hold the step's role on that day, in the cycle's
    organisation, and for a per-section run, in that section."""
    required = run.step.actor_role
    for position in positions_of(user, on):
        if position.organisation_id != run.cycle.organisation_id or required not in _position_roles(position):
            continue
        if required in SECTION_ROLES and position.section_id != run.section_id:
            continue
        return True
    return False


def is_office(user: User, organisation: Organisation, on: datetime.date | None = None) -> bool:
    """The office's pages of a cycle and every section's data (OFFICE_ROLES)."""
    return user.is_superuser or bool(roles_in(user, organisation, on) & OFFICE_ROLES)


def can_see_section_data(user: User, section: Section, on: datetime.date | None = None) -> bool:
    """The office sees every section's data page; section staff see their own section's."""
    return is_office(user, section.organisation, on) or can_submit_for(user, section, on)


def can_amend_records(user: User, organisation: Organisation, on: datetime.date | None = None) -> bool:
    return bool(roles_in(user, organisation, on) & RECORD_AMENDERS)


def can_edit_master_data(user: User, organisation: Organisation, on: datetime.date | None = None) -> bool:
    return user.is_superuser or bool(roles_in(user, organisation, on) & MASTER_DATA_EDITORS)


def can_start_cycle(user: User, organisation: Organisation, on: datetime.date | None = None) -> bool:
    return bool(roles_in(user, organisation, on) & CYCLE_STARTERS)


def can_cancel_cycle(user: User, cycle: Cycle, on: datetime.date | None = None) -> bool:
    return bool(roles_in(user, cycle.organisation, on) & CYCLE_CANCELLERS)


def runs_for(user: User, on: datetime.date | None = None) -> Q:
    """A filter on StepRun for the runs this user may act on: the inbox "Tugas saya"."""
    condition = Q(pk__in=[])
    for position in positions_of(user, on):
        roles = _acts_as(position.role)
        q = Q(cycle__organisation_id=position.organisation_id, step__actor_role__in=roles)
        if position.role in SECTION_ROLES:
            q &= Q(section_id=position.section_id)
        if _heads_unit(position):
            q |= Q(
                cycle__organisation_id=position.organisation_id,
                step__actor_role__in=SECTION_ROLES,
                section_id=position.section_id,
            )
        condition |= q
    return condition


def cycles_visible_to(user: User):
    """Cycles of the organisations where the user holds any position (all, for a superuser)."""
    if user.is_superuser:
        return Cycle.objects.all()
    return Cycle.objects.filter(organisation__in=[o.pk for o in organisations_of(user)])


def holders(
    organisation: Organisation, role: str, section: Section | None = None, on: datetime.date | None = None
) -> list[User]:
    """The users holding a role (in a section, for section roles) on a day."""
    key = (organisation.pk, role, section.pk if section is not None else None)
    return holders_for([key], on)[key]


def holders_for(keys, on: datetime.date | None = None) -> dict[tuple, list[User]]:
    """For each (organisation id, role, section id or None), the active users holding that role
    on a day, as `holders` answers for one: one query, whatever the number of keys."""
    keys = list(keys)
    positions = list(
        Position.objects.active_on(_today(on))
        .filter(organisation__in={organisation for organisation, _role, _section in keys})
        .select_related("user", "section")
    )
    return {key: [p.user for p in positions if p.user.is_active and _holds(p, *key)] for key in keys}


def _holds(position: Position, organisation_id: int, role: str, section_id: int | None) -> bool:
    """Does this position hold `role`: for a section role in a section, the unit's own staff or
    the Kasubag who heads it (_heads_unit)."""
    if position.organisation_id != organisation_id:
        return False
    if role in SECTION_ROLES and section_id is not None:
        return position.section_id == section_id and (position.role in _holders_roles(role) or _heads_unit(position))
    return position.role in _holders_roles(role)


def _holders_roles(role: str) -> set[str]:
    return {r for r in Role.values if role in _acts_as(r)}


def superiors(organisation: Organisation, role: str, section: Section | None = None) -> list[User]:
    """Whom to tell when the holders of `role` are late: the Kasi of the section (or, without
    one, the Sekretaris), the Sekretaris for the Kasubag, the Camat for the Sekretaris."""
    superior = SUPERIOR.get(role)
    while superior:
        found = holders(organisation, superior, section if superior in SECTION_ROLES else None)
        if found:
            return found
        superior = SUPERIOR.get(superior)
    return []


# Letters and dispositions ----------------------------------------------------------------------

LETTER_REGISTRARS = {Role.KASUBAG, Role.ADMIN}


def can_register_letter(user: User, organisation: Organisation, on: datetime.date | None = None) -> bool:
    return user.is_superuser or bool(roles_in(user, organisation, on) & LETTER_REGISTRARS)


def can_dispose_first(user: User, organisation: Organisation, on: datetime.date | None = None) -> bool:
    """The first disposition of a letter is the Kepala's (or an acting Kepala's, Plt.)."""
    return Role.KEPALA in roles_in(user, organisation, on)


def letters_visible_to(user: User):
    """Letters of the user's organisations. A rahasia letter only for the people on its
    disposition chain, the Kepala (who disposes every letter), whoever registered it, and the
    administrator."""
    if user.is_superuser:
        return Letter.objects.all()
    positions = positions_of(user)
    organisations = {p.organisation_id for p in positions}
    see_all = {p.organisation_id for p in positions if p.role in (Role.KEPALA, Role.ADMIN)}
    open_letters = Q(organisation__in=organisations) & ~Q(nature=Letter.Nature.RAHASIA)
    privileged = Q(organisation__in=see_all)
    # A disposition withdrawn before it was read never reached its recipient: it gives no access.
    on_chain = Q(organisation__in=organisations) & (
        Q(registered_by=user)
        | Q(dispositions__sender=user)
        | Q(dispositions__recipient=user, dispositions__withdrawn_at__isnull=True)
    )
    ids = Letter.objects.filter(open_letters | privileged | on_chain).values("pk")
    return Letter.objects.filter(pk__in=ids)


def can_see_letter(user: User, letter) -> bool:
    if user.is_superuser:
        return True
    if letter.nature != Letter.Nature.RAHASIA:  # the common case, without a query
        return any(p.organisation_id == letter.organisation_id for p in positions_of(user))
    return letters_visible_to(user).filter(pk=letter.pk).exists()


def can_submit_for(user: User, section: Section, on: datetime.date | None = None) -> bool:
    """Section staff (and the Kepala Seksi) submit for their own section only; the Kasubag for
    the sub-division they head."""
    return any(
        p.section_id == section.pk
        and (p.role in SECTION_ROLES or _heads_unit(p))
        and p.organisation_id == section.organisation_id
        for p in positions_of(user, on)
    )


def can_act_for_section(user: User, section: Section, on: datetime.date | None = None) -> bool:
    """The Kasubag and the Sekretaris may upload a section's data and hand it in on its behalf,
    always with a reason (ON_BEHALF_ROLES); not for a section they belong to (they act as
    themselves there)."""
    if can_submit_for(user, section, on):
        return False
    return bool(roles_in(user, section.organisation, on) & ON_BEHALF_ROLES)


# The kabupaten's SAKIP coordinators ------------------------------------------------------------


def coordinated_kabupaten(user: User, on: datetime.date | None = None) -> list[Kabupaten]:
    """The kabupaten whose kecamatan this user reads as a SAKIP coordinator on a day (every
    kabupaten, for the superuser). A coordinator holds no position: nothing here gives a right
    inside a kecamatan, and no kecamatan rule above reads these rows."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return list(Kabupaten.objects.order_by("name"))
    ids = Coordinator.objects.active_on(_today(on)).filter(user=user).values("kabupaten_id")
    return list(Kabupaten.objects.filter(pk__in=ids).order_by("name"))


def coordinates_today(user: User) -> bool:
    """Does the user read a kabupaten today (the menu's kabupaten pages)? The superuser does."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or Coordinator.objects.active_on(_today(None)).filter(user=user).exists()


def document_jobs_of(user: User):
    """The document requests a user may follow and download: their own (kinerja.document_jobs)."""
    return DocumentJob.objects.filter(requested_by=user) if user.is_authenticated else DocumentJob.objects.none()


def is_coordinator_account(user: User) -> bool:
    """Has this account ever been a kabupaten coordinator? Such an account is the kabupaten's
    business: no kecamatan administrator sees or changes it (kinerja.admin)."""
    return Coordinator.objects.filter(user_id=user.pk).exists()
