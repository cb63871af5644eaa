"""Write a dated backup: the database and every uploaded file, with a signed manifest of checksums
(readable by its owner only; encrypted when BACKUP_PASSPHRASE is set)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ... import backup


class Command(BaseCommand):
    help = "Membuat cadangan basis data dan berkas unggahan dalam satu arsip bertanggal yang ditandatangani."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="cadangan", help="folder tujuan (bawaan: ./cadangan)")

    def handle(self, *args, **options):
        passphrase = settings.BACKUP_PASSPHRASE or None
        try:
            path = backup.create(Path(options["output"]), passphrase=passphrase)
            manifest = backup.verify(path, passphrase=passphrase)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        sealed = "terenkripsi, " if passphrase else ""
        self.stdout.write(
            self.style.SUCCESS(f"Cadangan dibuat: {path} ({len(manifest['files'])} berkas, {sealed}diperiksa).")
        )
