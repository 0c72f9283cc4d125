import signal
import threading

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand

from mail_channel import services
from mail_channel.smtp import SupportMailHandler


class Command(BaseCommand):
    help = "Run the inbound SMTP gateway (MAIL_GATEWAY_HOST:MAIL_GATEWAY_PORT)."

    def handle(self, *args, **options) -> None:
        handler = SupportMailHandler(support_addresses=settings.SUPPORT_ADDRESSES)
        controller = Controller(
            handler,
            hostname=settings.MAIL_GATEWAY_HOST,
            port=settings.MAIL_GATEWAY_PORT,
            data_size_limit=settings.MAIL_MAX_MESSAGE_BYTES,
            # The original bytes, before any decoding: we keep the raw source.
            decode_data=False,
        )
        controller.start()
        # Mail accepted before a crash or restart but not answered yet.
        for email_id in services.emails_pending():
            try:
                services.email_process(email_id=email_id)
            except Exception:  # recorded on the row; keep serving
                self.stderr.write(f"e-mail {email_id} could not be processed")
        self.stdout.write(
            f"SMTP gateway on {settings.MAIL_GATEWAY_HOST}:{settings.MAIL_GATEWAY_PORT} "
            f"for {', '.join(settings.SUPPORT_ADDRESSES)}"
        )
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        stop.wait()
        controller.stop()
