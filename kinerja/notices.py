"""Everybody hears when it is their turn: when a step opens, or comes back with notes, each person
whose move it is gets a notice in the application (the menu counts the unread ones) and, if they
chose so, an e-mail; a late step tells its people and their superior (engine.overdue).

Notices are written in the transaction that moved the cycle, so a refusal leaves none behind.
Their e-mail waits on the notice itself (`Notice.mail`) and is sent after the commit, never
inside the transaction that moved the cycle: by a thread beside the request (NOTICE_MAIL=thread,
the default without a task queue), by the task queue's worker with retries (queue, the default
with TASK_BROKER_URL), in the request itself after the commit (inline), or only by `manage.py
send_notices` (cron). A failed send is logged and tried again by the next
`send_notices`, up to MAX_ATTEMPTS times; a notice that still fails is marked "gagal", logged as
an error, and stays listed in the administration, never lost silently.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from . import permissions, queue, wording
from .engine import registry, workflow
from .models import Notice, StepRun, User
from .models.notices import MAX_ATTEMPTS

logger = logging.getLogger(__name__)

# Inside `without_mail()` notices are written for the application only (the demo's made-up past).
_no_mail: ContextVar[bool] = ContextVar("notices_without_mail", default=False)


@contextmanager
def without_mail():
    token = _no_mail.set(True)
    try:
        yield
    finally:
        _no_mail.reset(token)


def role_now(run: StepRun) -> str | None:
    """The role whose move an open run is now: the step's, or for a step that moves between
    roles (step 1 down the disposition chain) the role holding it now (None: nobody's)."""
    handler = registry.handler_for(run.step.kind)
    if handler is not None and handler.holders is not None:
        return handler.holders([run]).get(run.pk)
    return run.step.actor_role


def actors(run: StepRun) -> list[User]:
    """The people whose move an open run is now (in the run's section, for a section's run)."""
    role = role_now(run)
    return permissions.holders(run.cycle.organisation, role, run.section) if role else []


def step_opened(runs: Iterable[StepRun], *, by: User | None, at: datetime.datetime) -> list[Notice]:
    """Within the transaction that opened `runs`: a notice to each person whose move each one is
    (not to `by`, who made the move and is looking at it)."""
    notices = []
    for run in runs:
        returned = _returned_from(run)
        title, body = _opened_words(run, returned)
        kind = Notice.Kind.RETURNED if returned else Notice.Kind.OPENED
        for user in actors(run):
            if by is not None and user.pk == by.pk:
                continue
            notices.append(_notice(user, run, kind, title, body, at))
    return keep(notices)


def step_late(run: StepRun, users: Iterable[User], *, at: datetime.datetime) -> list[Notice]:
    """The in-app side of the overdue e-mail (engine.overdue sends that one itself)."""
    where = f" ({run.section})" if run.section_id else ""
    title = f"Terlambat: langkah {run.step.number} {run.step.short_name}{where}, {run.cycle.period_label}"
    body = (
        f"Batas waktu {wording.moment(run.due_at)} WIB terlewati. Selesaikan langkahnya dan isi alasan keterlambatan."
    )
    notices = [_notice(user, run, Notice.Kind.OVERDUE, title, body, at, mail=False) for user in users]
    return keep(notices)


def keep(notices: list[Notice]) -> list[Notice]:
    """Write the notices, move their people's unread counts, and send their e-mail after the
    commit (or drop it all if the transaction is rolled back)."""
    if not notices:
        return []
    Notice.objects.bulk_create(notices)
    User.objects.filter(pk__in={n.user_id for n in notices}).update(notice_stamp=F("notice_stamp") + 1)
    waiting = [n.pk for n in notices if n.mail == Notice.Mail.PENDING]
    if waiting:
        transaction.on_commit(lambda: dispatch(waiting))
    return notices


def dispatch(ids: list[int]) -> None:
    mode = getattr(settings, "NOTICE_MAIL", "thread")
    if mode == "inline":
        send_pending(ids)
    elif mode == "thread":
        threading.Thread(target=_send_in_thread, args=(ids,), name="kirim-pemberitahuan", daemon=True).start()
    elif mode == "queue":
        queue.enqueue("send_notice_mail", list(ids))  # tried again by the worker; pending if unqueued
    # "cron": manage.py send_notices sends them.


def _send_in_thread(ids: list[int]) -> None:
    try:
        send_pending(ids)
    except Exception:  # the notices stay pending; send_notices tries them again
        logger.exception("Pengiriman surel pemberitahuan gagal; dicoba lagi oleh send_notices.")
    finally:
        connection.close()


# A sender that stopped mid-send (a killed process) leaves its notice "sedang dikirim"; after this
# long another sender takes it again.
STALE_CLAIM = datetime.timedelta(minutes=10)


def send_pending(ids: Iterable[int] | None = None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send the e-mail of pending notices (of `ids`, or all), one sender at a time per notice: a
    notice is claimed by moving it to "sedang dikirim" only if it is still waiting (or its
    sender stopped STALE_CLAIM ago), so the thread and `send_notices` never both send it."""
    now = now or timezone.now()
    waiting = Q(mail=Notice.Mail.PENDING) | Q(mail=Notice.Mail.SENDING, mail_claimed_at__lt=now - STALE_CLAIM)
    pending = Notice.objects.filter(waiting).select_related("user").order_by("pk")
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    counts = {"terkirim": 0, "gagal": 0, "dicoba_lagi": 0}
    for notice in pending:
        claimed = Notice.objects.filter(waiting, pk=notice.pk, mail_attempts=notice.mail_attempts).update(
            mail=Notice.Mail.SENDING, mail_claimed_at=now, mail_attempts=F("mail_attempts") + 1
        )
        if not claimed:
            continue
        attempts = notice.mail_attempts + 1
        try:
            send_mail(
                subject=f"[Kinerja] {one_line(notice.title)}"[:250],
                message=mail_text(notice),
                from_email=None,
                recipient_list=[notice.user.email],
            )
        except Exception as exc:
            failed = attempts >= MAX_ATTEMPTS
            Notice.objects.filter(pk=notice.pk).update(
                mail=Notice.Mail.FAILED if failed else Notice.Mail.PENDING, mail_error=str(exc)[:2000]
            )
            if failed:
                logger.error("Surel pemberitahuan %s kepada %s gagal %s kali; tidak dicoba lagi: %s",
                             notice.pk, notice.user, attempts, exc)  # fmt: skip
                counts["gagal"] += 1
            else:
                logger.warning("Surel pemberitahuan %s kepada %s gagal (percobaan %s); dicoba lagi: %s",
                               notice.pk, notice.user, attempts, exc)  # fmt: skip
                counts["dicoba_lagi"] += 1
            continue
        Notice.objects.filter(pk=notice.pk).update(mail=Notice.Mail.SENT, mail_sent_at=now, mail_error="")
        counts["terkirim"] += 1
    return counts


def mail_text(notice: Notice) -> str:
    link = f"{settings.SITE_URL}{notice.url}" if notice.url else settings.SITE_URL
    return (
        f"{notice.title}\n\n{notice.body}\n\n{link}\n\n"
        "Surel ini dikirim karena pemberitahuan lewat surel aktif pada akun Anda; "
        f"ubah di {settings.SITE_URL}{reverse('kinerja:notices')}"
    )


def mark_read(user: User, notices=None, at: datetime.datetime | None = None) -> int:
    """Mark the user's notices (all unread, or those given) read; returns how many."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notices is not None:
        unread = unread.filter(pk__in=[n.pk for n in notices])
    count = unread.update(read_at=at or timezone.now())
    if count:
        User.objects.filter(pk=user.pk).update(notice_stamp=F("notice_stamp") + 1)
    return count


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def _notice(user, run, kind, title, body, at, *, mail=True) -> Notice:
    wants_mail = mail and not _no_mail.get() and user.notice_mail and bool(user.email)
    return Notice(
        user=user,
        organisation_id=run.cycle.organisation_id,
        cycle_id=run.cycle_id,
        run=run,
        kind=kind,
        title=title[:300],
        body=body,
        url=_page(run),
        created_at=at,
        mail=Notice.Mail.PENDING if wants_mail else Notice.Mail.NONE,
    )


def _page(run: StepRun) -> str:
    handler = registry.handler_for(run.step.kind)
    if handler is not None:
        return handler.page(run)
    return reverse("kinerja:cycle_detail", args=[run.cycle_id])


def _returned_from(run: StepRun) -> StepRun | None:
    """The run that sent this one back (a later step closing with notes to an earlier one)."""
    source = run.returned_from
    if not workflow.sent_back(source, run):
        return None
    return source


def _opened_words(run: StepRun, returned: StepRun | None) -> tuple[str, str]:
    where = f" untuk {run.section}" if run.section_id else ""
    step = f"Langkah {run.step.number} ({run.step.short_name}){where}, {run.cycle.period_label}"
    due = f"Batas waktu {wording.moment(run.due_at)} WIB."
    if returned is None:
        return f"Giliran Anda: {step}", due
    said = f"Catatan: {wording.sentence(returned.note)}" if returned.note else ""
    return (
        f"Dikembalikan kepada Anda: {step}",
        wording.sentences(
            f"Dikembalikan oleh {returned.closed_by} dari langkah {returned.step.number} "
            f"({returned.step.short_name}): {returned.outcome_label}",
            said,
            due,
        ),
    )
