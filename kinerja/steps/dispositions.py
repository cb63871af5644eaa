"""Step 1 of the SOP: incoming letters and their dispositions. The Kepala disposes, the
Sekretaris passes on, the Kasubag receives; the Kasubag's receipt closes step 1 of the letter's
cycle through kinerja.engine.workflow."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from .. import permissions, wording
from ..engine import registry, workflow
from ..engine.workflow import AlreadyDone, NotAllowed, WorkflowError
from ..models import (
    Cycle,
    Disposition,
    DispositionInstruction,
    Letter,
    Organisation,
    Position,
    Role,
    SopStep,
    StepRun,
    User,
)

DEFAULT_INSTRUCTIONS = [
    "Untuk diketahui",
    "Tindak lanjuti",
    "Koordinasikan",
    "Siapkan bahan",
    "Laporkan hasilnya",
    "Hadiri / wakili",
    "Arsipkan",
]

# The chain the SOP asks for before the Kasubag's receipt closes step 1.
SOP_CHAIN = [Role.KEPALA, Role.SEKRETARIS, Role.KASUBAG]


def ensure_instructions(organisation: Organisation) -> None:
    """Give an organisation the usual instruction boxes if it has none yet."""
    if DispositionInstruction.objects.filter(organisation=organisation).exists():
        return
    for order, label in enumerate(DEFAULT_INSTRUCTIONS, 1):
        DispositionInstruction.objects.create(organisation=organisation, label=label, order=order)


def _now(at):
    return at or timezone.now()


def _position_in(user: User, organisation: Organisation, day: datetime.date) -> Position | None:
    order = [Role.KEPALA, Role.SEKRETARIS, Role.KASUBAG, Role.KASI, Role.STAF, Role.ADMIN]
    positions = [p for p in permissions.positions_of(user, day) if p.organisation_id == organisation.pk]
    return min(positions, key=lambda p: order.index(p.role)) if positions else None


def _title(position: Position) -> str:
    return f"Plt. {position.title}" if position.acting else position.title


def register_letter(
    *,
    organisation: Organisation,
    by: User,
    number: str,
    date: datetime.date,
    sender: str,
    subject: str,
    nature: str,
    received_date: datetime.date,
    attachment=None,
) -> Letter:
    """Record an incoming letter with the next agenda number of its year."""
    if not permissions.can_register_letter(by, organisation):
        raise NotAllowed("Hanya Kasubag Perencanaan dan Pelaporan atau administrator yang dapat mencatat surat masuk.")
    if received_date < date:
        raise WorkflowError("Tanggal diterima tidak boleh sebelum tanggal surat.")
    with transaction.atomic():
        # Lock the organisation row so two registrations never take the same agenda number.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        last = Letter.objects.filter(organisation=organisation, agenda_year=received_date.year).aggregate(
            n=Max("agenda_number")
        )["n"]
        letter = Letter(
            organisation=organisation,
            agenda_year=received_date.year,
            agenda_number=(last or 0) + 1,
            number=number.strip(),
            date=date,
            sender=sender.strip(),
            subject=subject.strip(),
            nature=nature,
            received_date=received_date,
            attachment=attachment,
            registered_by=by,
        )
        letter._history_user = by
        letter.full_clean()
        letter.save()
    return letter


def dispose(
    letter: Letter,
    *,
    by: User,
    recipients: Iterable[User],
    instructions: Iterable[str] = (),
    note: str = "",
    deadline: datetime.date | None = None,
    parent: Disposition | None = None,
    at: datetime.datetime | None = None,
) -> list[Disposition]:
    """Send a disposition to one or more people: the Kepala's first one, or a received and
    acknowledged one passed on (`parent`)."""
    now = _now(at)
    day = timezone.localdate(now)
    note = (note or "").strip()
    instructions = [i.strip() for i in instructions if i and i.strip()]
    recipients = list(dict.fromkeys(recipients))
    organisation = letter.organisation
    with transaction.atomic():
        letter = Letter.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=letter.pk)
        sender_position = _position_in(by, organisation, day)
        if parent is None:
            if not permissions.can_dispose_first(by, organisation, day):
                raise NotAllowed("Disposisi pertama atas surat masuk dibuat oleh Camat (atau Plt. Camat).")
        else:
            parent = Disposition.objects.select_for_update(of=("self",)).get(pk=parent.pk)
            if parent.letter_id != letter.pk or parent.recipient_id != by.pk:
                raise NotAllowed("Anda hanya dapat meneruskan disposisi yang ditujukan kepada Anda.")
            if parent.withdrawn_at:
                raise WorkflowError("Disposisi ini sudah ditarik oleh pengirimnya; tidak dapat diteruskan.")
            if parent.acknowledged_at is None:
                raise WorkflowError("Nyatakan dulu bahwa disposisi ini sudah Anda terima, lalu teruskan.")
        if sender_position is None:
            raise NotAllowed("Anda tidak memegang jabatan di organisasi surat ini.")
        if not recipients:
            raise WorkflowError("Pilih setidaknya satu penerima disposisi.")
        if by in recipients:
            raise WorkflowError("Disposisi tidak dapat ditujukan kepada diri sendiri.")
        allowed = set(
            DispositionInstruction.objects.filter(organisation=organisation, active=True).values_list(
                "label", flat=True
            )
        )
        unknown = [i for i in instructions if i not in allowed]
        if unknown:
            raise WorkflowError(f"Instruksi tidak dikenal: {', '.join(unknown)}. Pilih dari daftar yang tersedia.")
        if not instructions and not note:
            raise WorkflowError("Pilih instruksi atau tulis catatan disposisi.")
        if deadline and deadline < day:
            raise WorkflowError("Batas waktu disposisi tidak boleh sebelum hari ini.")
        created = []
        for recipient in recipients:
            position = _position_in(recipient, organisation, day)
            if position is None or not recipient.is_active:
                raise WorkflowError(f"{recipient} tidak memegang jabatan aktif di {wording.sentence(organisation)}")
            if Disposition.objects.filter(
                letter=letter, parent=parent, recipient=recipient, withdrawn_at__isnull=True, sender=by
            ).exists():
                raise AlreadyDone(f"Disposisi untuk {recipient} sudah dikirim sebelumnya.")
            disposition = Disposition(
                letter=letter,
                parent=parent,
                sender=by,
                sender_title=_title(sender_position),
                sender_role=sender_position.role,
                recipient=recipient,
                recipient_title=_title(position),
                recipient_role=position.role,
                instructions=instructions,
                note=note,
                deadline=deadline,
                created_at=now,
            )
            disposition._history_user = by
            disposition.save()
            created.append(disposition)
    return created


def mark_read(letter: Letter, *, by: User, at: datetime.datetime | None = None) -> int:
    """The recipient opened the letter: their unread dispositions of it count as read."""
    now = _now(at)
    unread = list(
        Disposition.objects.filter(letter=letter, recipient=by, read_at__isnull=True, withdrawn_at__isnull=True)
    )
    for disposition in unread:
        disposition.read_at = now
        disposition._history_user = by
        disposition.save(update_fields=["read_at"])
    return len(unread)


def pending_step_1(letter: Letter) -> StepRun | None:
    """The open disposition step (step 1) of the running cycle started on this letter, if any."""
    return (
        StepRun.objects.filter(
            cycle__letter=letter,
            cycle__status=Cycle.Status.RUNNING,
            step__kind=SopStep.Kind.DISPOSITION,
            closed_at__isnull=True,
        )
        .select_related("step", "cycle")
        .first()
    )


HOP_FIELDS = ("pk", "parent_id", "sender_role", "recipient_role", "acknowledged_at")


def chain_stage(letter_id: int) -> str:
    """Where the letter stands on the SOP's chain (Camat → Sekretaris → Kasubag), as a sentence
    for the cycle page while step 1 is open. One query."""
    return stage_of(Disposition.objects.filter(letter_id=letter_id, withdrawn_at__isnull=True).values_list(*HOP_FIELDS))


def chain_state(letter_id: int) -> tuple[str, str | None]:
    """`chain_stage` and `holder_of` of one letter, from one query (the cycle page)."""
    hops = list(Disposition.objects.filter(letter_id=letter_id, withdrawn_at__isnull=True).values_list(*HOP_FIELDS))
    return stage_of(hops), holder_of(hops)


def chain_states(letter_ids) -> dict[int, tuple[str, str | None]]:
    """`chain_state` of several letters in one query (the inbox, step 1's holders)."""
    hops: dict[int, list] = {letter_id: [] for letter_id in letter_ids}
    for letter_id, *hop in Disposition.objects.filter(letter_id__in=hops, withdrawn_at__isnull=True).values_list(
        "letter_id", *HOP_FIELDS
    ):
        hops[letter_id].append(hop)
    return {letter_id: (stage_of(letter_hops), holder_of(letter_hops)) for letter_id, letter_hops in hops.items()}


def holder_of(hops) -> str | None:
    """Whose move it is on the SOP's chain, from a letter's live dispositions (as `stage_of`
    takes them): the Camat's until he disposes to the Sekretaris, the Sekretaris's until she
    passes it on to the Kasubag, the Kasubag's until he receives it; None once he has."""
    hops = list(hops)
    first = {pk for pk, parent, sender, recipient, _ in hops if parent is None and sender == Role.KEPALA
             and recipient == Role.SEKRETARIS}  # fmt: skip
    passed = [done for _pk, parent, _s, recipient, done in hops if parent in first and recipient == Role.KASUBAG]
    if any(passed):
        return None
    if passed:
        return Role.KASUBAG
    return Role.SEKRETARIS if first else Role.KEPALA


def _run_holders(runs) -> dict[int, str | None]:
    """Step 1's runs, each with the role whose move it is on its letter's chain (one query)."""
    runs = list(runs)
    letters = chain_states({run.cycle.letter_id for run in runs})
    return {run.pk: letters[run.cycle.letter_id][1] for run in runs}


# What the holder of the letter does next, as the link to the letter page says it.
HOLDER_LABELS = {
    Role.KEPALA: "Buka surat dan disposisikan kepada Sekretaris",
    Role.SEKRETARIS: "Buka surat: terima dan teruskan disposisi kepada Kasubag",
    Role.KASUBAG: "Buka surat dan terima disposisi",
}


def stage_of(hops) -> str:
    """The sentence for a letter's live dispositions, given as (pk, parent, sender role, recipient
    role, acknowledged at)."""
    hops = list(hops)
    first = {pk for pk, parent, sender, recipient, _ in hops if parent is None and sender == Role.KEPALA
             and recipient == Role.SEKRETARIS}  # fmt: skip
    passed = [done for _pk, parent, _s, recipient, done in hops if parent in first and recipient == Role.KASUBAG]
    if any(passed):
        return "Kasubag sudah menerima disposisi."
    if passed:
        return "Sekretaris sudah meneruskan disposisi; menunggu Kasubag menerimanya di halaman surat."
    if any(done for pk, *_rest, done in hops if pk in first):
        return "Sekretaris sudah menerima disposisi Camat; menunggu diteruskan kepada Kasubag."
    if first:
        return "Camat sudah mendisposisi; menunggu Sekretaris menerimanya."
    return "Menunggu disposisi Camat atas surat ini."


def follows_sop_chain(disposition: Disposition) -> bool:
    """Kepala → Sekretaris → Kasubag, as step 1 of the SOP has it."""
    chain = []
    node = disposition
    while node is not None:
        chain.append(node)
        node = node.parent
    chain.reverse()
    roles = [chain[0].sender_role] + [d.recipient_role for d in chain]
    return roles == SOP_CHAIN


def acknowledge(
    disposition: Disposition, *, by: User, overdue_reason: str = "", at: datetime.datetime | None = None
) -> StepRun | None:
    """The recipient confirms receipt (the time is recorded). When the Kasubag receives a
    disposition that came down the SOP's chain, step 1 of the letter's cycle closes; the closed
    run is returned."""
    now = _now(at)
    with transaction.atomic():
        disposition = (
            Disposition.objects.select_for_update(of=("self",)).select_related("letter").get(pk=disposition.pk)
        )
        if disposition.recipient_id != by.pk:
            raise NotAllowed("Hanya penerima disposisi yang dapat menyatakan menerimanya.")
        if disposition.withdrawn_at:
            raise WorkflowError("Disposisi ini sudah ditarik oleh pengirimnya.")
        if disposition.acknowledged_at:
            raise AlreadyDone(
                f"Disposisi ini sudah diterima pada {timezone.localtime(disposition.acknowledged_at):%d-%m-%Y %H:%M}."
            )
        disposition.acknowledged_at = now
        disposition.read_at = disposition.read_at or now
        disposition._history_user = by
        disposition.save(update_fields=["acknowledged_at", "read_at"])
        run = pending_step_1(disposition.letter)
        if run is not None and disposition.recipient_role == Role.KASUBAG and follows_sop_chain(disposition):
            workflow.close_step(
                run,
                by=by,
                kind=SopStep.Kind.DISPOSITION,
                note=f"Disposisi diterima dari {disposition.sender} ({disposition.sender_title}).",
                overdue_reason=overdue_reason,
                at=now,
            )
            return run
    return None


def withdraw(disposition: Disposition, *, by: User, reason: str, at: datetime.datetime | None = None) -> Disposition:
    """The sender takes back a disposition the recipient has not opened yet."""
    now = _now(at)
    reason = (reason or "").strip()
    with transaction.atomic():
        disposition = Disposition.objects.select_for_update(of=("self",)).get(pk=disposition.pk)
        if disposition.sender_id != by.pk:
            raise NotAllowed("Hanya pengirim yang dapat menarik disposisi.")
        if disposition.withdrawn_at:
            raise AlreadyDone("Disposisi ini sudah ditarik.")
        if disposition.read_at or disposition.acknowledged_at:
            raise WorkflowError("Disposisi sudah dibaca penerima sehingga tidak dapat ditarik; kirim disposisi baru.")
        if not reason:
            raise WorkflowError("Tuliskan alasan penarikan disposisi.")
        disposition.withdrawn_at = now
        disposition.withdraw_reason = reason
        disposition._history_user = by
        disposition.save(update_fields=["withdrawn_at", "withdraw_reason"])
    return disposition


def _letter_recorded(run: StepRun, outcome: str) -> str | None:
    if not run.cycle.letter_id:
        return "Surat permintaan laporan kinerja belum dicatat."
    return None


def chain_input_check(run: StepRun, outcome: str) -> str | None:
    """Step 1 closes only on the Kasubag's receipt of a disposition from the Kepala through the
    Sekretaris."""
    received = Disposition.objects.filter(
        letter_id=run.cycle.letter_id,
        recipient_role=Role.KASUBAG,
        acknowledged_at__isnull=False,
        withdrawn_at__isnull=True,
    ).select_related("parent__parent")
    if any(follows_sop_chain(d) for d in received):
        return None
    return (
        "Langkah 1 selesai saat Kasubag menerima disposisi surat dari Camat melalui Sekretaris. "
        "Buka halaman surat untuk menerima disposisi."
    )


def actions_for(letter: Letter, user: User, at: datetime.datetime | None = None) -> dict:
    """What this user may do on this letter now; the page shows exactly these."""
    day = timezone.localdate(_now(at))
    active = [d for d in letter.dispositions.all() if d.withdrawn_at is None]
    has_root = any(d.parent_id is None for d in active)
    received = [d for d in active if d.recipient_id == user.pk]
    return {
        "dispose_first": permissions.can_dispose_first(user, letter.organisation, day) and not has_root,
        "acknowledge": [d for d in received if d.acknowledged_at is None],
        "forward": [d for d in received if d.acknowledged_at is not None],
        "withdraw": [d for d in active if d.sender_id == user.pk and d.read_at is None and d.acknowledged_at is None],
    }


registry.register(
    registry.StepHandler(
        kind=SopStep.Kind.DISPOSITION,
        label="Buka surat dan terima disposisi",
        page=lambda run: reverse("kinerja:letter_detail", args=[run.cycle.letter_id]),
        input_checks=(_letter_recorded, chain_input_check),
        # Step 1 moves down the disposition chain: whose move it is comes from the letter.
        holders=lambda runs: _run_holders(runs),
        holder_labels=HOLDER_LABELS,
    )
)
