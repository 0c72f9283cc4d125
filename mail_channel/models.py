from django.db import models

from crm.models import Conversation, Customer, Team, Ticket


class EmailMessage(models.Model):
    """One e-mail in or out, raw source kept (what the gateway accepted is never lost)."""

    class Direction(models.TextChoices):
        INBOUND = "in", "inbound"
        OUTBOUND = "out", "outbound"

    class Outcome(models.TextChoices):
        PENDING = "pending", "not processed yet"
        ANSWERED = "answered", "answered automatically"
        ACKNOWLEDGED = "acknowledged", "acknowledged; a person will answer"
        SUPPRESSED = "suppressed", "no automatic answer (RFC 3834 or rate limit)"
        FAILED = "failed", "processing failed (raw kept)"
        SENT = "sent", "sent"

    direction = models.CharField(max_length=3, choices=Direction.choices)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    mail_from = models.CharField(max_length=255)
    from_name = models.CharField(max_length=120, blank=True)
    # The customer's address, whichever way the message went (for threading and limits).
    counterpart = models.CharField(max_length=255, blank=True, db_index=True)
    rcpt_to = models.JSONField(default=list)
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField(blank=True)
    raw = models.BinaryField()
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    language = models.CharField(max_length=2, blank=True)
    intent = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_detail = models.CharField(max_length=255, blank=True)
    auto_reply = models.BooleanField(default=False, help_text="sent by us automatically")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["direction", "auto_reply", "received_at"])]

    def __str__(self) -> str:
        return f"{self.direction} {self.mail_from}: {self.subject}"


class EmailAttachment(models.Model):
    email = models.ForeignKey(EmailMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    file = models.FileField(upload_to="mail/%Y/%m/", blank=True)
    # Over the size limit: recorded (name, type, size) but not kept.
    skipped_reason = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.content_type}, {self.size_bytes} B)"


class RoutingRule(models.Model):
    """Which team gets an e-mail request, by the intent the bot's NLU recognised."""

    intent = models.CharField(max_length=40, unique=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE)

    class Meta:
        ordering = ["intent"]

    def __str__(self) -> str:
        return f"{self.intent} → {self.team}"
