from django.db import models

from crm.models import Customer, Ticket


class EmailMessage(models.Model):
    """One e-mail in or out, raw source kept (what the gateway accepted is never lost)."""

    class Direction(models.TextChoices):
        INBOUND = "in", "inbound"
        OUTBOUND = "out", "outbound"

    direction = models.CharField(max_length=3, choices=Direction.choices)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    mail_from = models.CharField(max_length=255)
    rcpt_to = models.JSONField(default=list)
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField(blank=True)
    raw = models.BinaryField()
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.direction} {self.mail_from}: {self.subject}"
