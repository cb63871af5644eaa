"""Load the demo organisation, its users (passwords printed), the SOP and an open cycle.
Running it twice changes nothing."""

from django.core.management.base import BaseCommand

from kinerja import demo


class Command(BaseCommand):
    help = "Memuat data demo Kecamatan Klego: organisasi, pengguna per peran, SOP dan satu siklus berjalan."

    def handle(self, *args, **options):
        organisation, users, cycle = demo.seed()
        self.stdout.write(self.style.SUCCESS(f"Data demo siap: {organisation} — siklus {cycle.period_label}."))
        self.stdout.write("Akun demo (nama pengguna / kata sandi / jabatan):")
        for user, password, position in users:
            self.stdout.write(f"  {user.username:<14} {password:<26} {position.title}")
