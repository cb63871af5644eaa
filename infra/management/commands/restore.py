"""Bring a backup back into an (empty) installation, after checking the whole of it: its
signature (the installation's key), its manifest and every file's checksum."""

import logging
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ... import backup

logger = logging.getLogger("infra.backup")


class Command(BaseCommand):
    help = "Memulihkan cadangan ke instalasi kosong (basis data dan berkas unggahan)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="berkas kinerja-cadangan-*.zip (atau .zip.enc)")
        parser.add_argument("--force", action="store_true", help="timpa instalasi yang sudah berisi data")
        parser.add_argument(
            "--accept-unsigned",
            action="store_true",
            help="pulihkan juga cadangan tanpa tanda tangan yang sah dari instalasi ini (dicatat di log)",
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        if options["accept_unsigned"]:
            logger.warning("restore %s dijalankan dengan --accept-unsigned", path)
            self.stderr.write("PERINGATAN: tanda tangan cadangan tidak diwajibkan (--accept-unsigned); dicatat di log.")
        try:
            manifest = backup.restore(
                path,
                force=options["force"],
                passphrase=settings.BACKUP_PASSPHRASE or None,
                accept_unsigned=options["accept_unsigned"],
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Dipulihkan dari {path.name} ({len(manifest['files'])} berkas)."))
