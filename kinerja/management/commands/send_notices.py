"""Send the e-mail of notices still waiting (a send that failed, or NOTICE_MAIL=cron). Run from
cron every few minutes; each notice is tried at most MAX_ATTEMPTS times, then marked 'gagal'."""

from django.core.management.base import BaseCommand

from ... import notices


class Command(BaseCommand):
    help = "Mengirim surel pemberitahuan yang masih menunggu (dan mencoba lagi yang gagal)."

    def handle(self, *args, **options):
        counts = notices.send_pending()
        self.stdout.write(
            f"{counts['terkirim']} surel terkirim, {counts['dicoba_lagi']} gagal dan dicoba lagi nanti, "
            f"{counts['gagal']} gagal dan tidak dicoba lagi."
        )
        if counts["gagal"] or counts["dicoba_lagi"]:
            raise SystemExit(1)
