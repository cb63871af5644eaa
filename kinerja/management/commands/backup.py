"""Write a dated backup: the database and every uploaded file, with a manifest of checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kinerja import backup


class Command(BaseCommand):
    help = "Membuat cadangan basis data dan berkas unggahan dalam satu arsip bertanggal."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="cadangan", help="folder tujuan (bawaan: ./cadangan)")

    def handle(self, *args, **options):
        try:
            path = backup.create(Path(options["output"]))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.verify(path)
        self.stdout.write(self.style.SUCCESS(f"Cadangan dibuat: {path} ({len(manifest['files'])} berkas, diperiksa)."))
