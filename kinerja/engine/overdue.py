"""Overdue steps: every open run past its due time is marked once and its holders and their
superior are told by e-mail (`manage.py notify_overdue`, run by cron)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .. import notices, permissions
from ..models import Cycle, StepRun

logger = logging.getLogger(__name__)


def notify_overdue(now: datetime.datetime | None = None) -> list[StepRun]:
    """Mark every open, overdue run of a running cycle and e-mail its assignees and their
    superior, once per run: a second call sends nothing for the same run. A message that cannot
    be sent leaves its run unmarked (logged; the next call tries it again) and never stops the
    others."""
    now = now or timezone.now()
    marked = []
    candidates = StepRun.objects.filter(
        closed_at__isnull=True, overdue_notified_at__isnull=True, due_at__lt=now, cycle__status=Cycle.Status.RUNNING
    ).select_related("cycle__organisation", "step", "section")
    for candidate in candidates:
        try:
            with transaction.atomic():
                run = (
                    StepRun.objects.select_for_update(of=("self",))
                    .select_related("step", "section", "cycle__organisation")
                    .get(pk=candidate.pk)
                )
                if run.overdue_notified_at is not None or run.closed_at is not None:
                    continue
                organisation = run.cycle.organisation
                # Whose move it is now (step 1: the holder on the disposition chain), and above them.
                role = notices.role_now(run)
                assignees = permissions.holders(organisation, role, run.section) if role else []
                bosses = permissions.superiors(organisation, role or run.step.actor_role, run.section)
                people = {u.pk: u for u in [*assignees, *bosses]}
                recipients = sorted({u.email for u in people.values() if u.email})
                run.overdue_notified_at = now
                run.save(update_fields=["overdue_notified_at"])
                notices.step_late(run, people.values(), at=now)
                if recipients:  # a failure here undoes the mark above
                    local_due = timezone.localtime(run.due_at)
                    where = f" ({one_line(str(run.section))})" if run.section_id else ""
                    step_name = one_line(run.step.short_name)
                    send_mail(
                        subject=f"[Kinerja] Terlambat: langkah {run.step.number} {step_name}{where}",
                        message=(
                            f'Langkah {run.step.number} "{step_name}"{where} pada siklus '
                            f"{run.cycle.period_label} melewati batas waktu {local_due:%d-%m-%Y %H:%M}.\n"
                            f"Mohon segera diselesaikan dan isi alasan keterlambatan.\n\n"
                            f"{settings.SITE_URL}/siklus/{run.cycle_id}/"
                        ),
                        from_email=None,
                        recipient_list=recipients,
                    )
        except Exception:  # an SMTP failure, a refused header: this run waits for the next call
            logger.exception(
                "Pemberitahuan keterlambatan langkah %s (siklus %s) gagal dikirim; dicoba lagi pada jalan berikutnya.",
                candidate.step.number,
                candidate.cycle_id,
            )
            continue
        marked.append(run)
    return marked


def one_line(text: str) -> str:
    """Text for a mail header: line breaks and runs of white space folded into one space."""
    return " ".join(str(text).split())
