"""Mark overdue steps and e-mail their assignees and superiors, once per step. Run from cron,
for example every 15 minutes in working hours."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...engine import overdue


class Command(BaseCommand):
    help = (
        "Menandai langkah yang melewati batas waktu dan mengirim surel ke pelaksana dan atasannya (sekali per langkah)."
    )

    def handle(self, *args, **options):
        marked = overdue.notify_overdue()
        for run in marked:
            where = f" ({run.section})" if run.section_id else ""
            due = timezone.localtime(run.due_at)
            self.stdout.write(
                f"Terlambat: siklus {run.cycle.period_label}, langkah {run.step.number}{where}, "
                f"batas {due:%d-%m-%Y %H:%M}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(marked)} langkah baru ditandai terlambat."))
