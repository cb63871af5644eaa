"""Load the demo organisation, its users (passwords printed), the SOP, the previous quarter's
cycle filed as the performance database, and an open cycle. Running it twice changes nothing."""

from django.core.management.base import BaseCommand

from ... import demo


class Command(BaseCommand):
    help = (
        "Memuat data demo Kecamatan Klego: organisasi, pengguna per peran, SOP, satu siklus yang sudah "
        "diarsipkan dan satu siklus berjalan."
    )

    def handle(self, *args, **options):
        organisation, users, cycle, filed = demo.seed()
        self.stdout.write(self.style.SUCCESS(f"Data demo siap: {organisation} — siklus {cycle.period_label} berjalan."))
        self.stdout.write(
            f"Siklus {filed.period_label} sudah sampai langkah 10: data base kinerja dan arsipnya terisi."
        )
        self.stdout.write("Akun demo (nama pengguna / kata sandi / jabatan):")
        for user, password, position in users:
            self.stdout.write(f"  {user.username:<16} {password:<26} {position.title}")
        user, password, coordinator = demo.ensure_kabupaten(organisation)
        self.stdout.write(
            f"  {user.username:<16} {password:<26} {coordinator.title} ({coordinator.kabupaten}, hanya membaca)"
        )
