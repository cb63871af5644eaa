"""Bring a backup back into an (empty) installation, after checking it against its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kinerja import backup


class Command(BaseCommand):
    help = "Memulihkan cadangan ke instalasi kosong (basis data dan berkas unggahan)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="berkas kinerja-cadangan-*.zip")
        parser.add_argument("--force", action="store_true", help="timpa instalasi yang sudah berisi data")

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        try:
            manifest = backup.restore(path, force=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Dipulihkan dari {path.name} ({len(manifest['files'])} berkas)."))
