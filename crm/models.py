from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from crm.states import State


class Language(models.TextChoices):
    IT = "it", "Italiano"
    EN = "en", "English"


class Channel(models.TextChoices):
    WEB = "web", "web chat"
    EMAIL = "email", "e-mail"
    PHONE = "phone", "phone"


class Customer(models.Model):
    class Salutation(models.TextChoices):
        MR = "mr", "Sig."
        MS = "ms", "Sig.ra"
        NONE = "", "—"

    salutation = models.CharField(max_length=4, choices=Salutation.choices, blank=True)
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    # Not unique on purpose: an e-mail sender is unverified, and two records may share
    # a family address. Identity comes from the host site's HMAC, never from this field.
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=30, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.IT)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    address = models.CharField(max_length=200, blank=True, help_text="street and number")
    city = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    consent_marketing = models.BooleanField(default=False)
    consent_profiling = models.BooleanField(default=False)
    preferences = models.JSONField(default=dict, blank=True, help_text="e.g. colours, sizes")
    notes = models.TextField(blank=True)
    # True once the customer was identified by the shop (login HMAC, CRM import);
    # False for a record created from an e-mail sender address.
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name or self.email or f"customer {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def salutation_label(self, language: str | None = None) -> str:
        language = language or self.language
        labels = {"it": {"mr": "Sig.", "ms": "Sig.ra"}, "en": {"mr": "Mr", "ms": "Ms"}}
        return labels.get(language, labels["it"]).get(self.salutation, "")


class Team(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    class Level(models.TextChoices):
        FIRST = "first", "first level (contact centre)"
        SECOND = "second", "second level (competence centre)"

    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    level = models.CharField(max_length=6, choices=Level.choices, default=Level.FIRST)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.level})"


class OperatorProfile(models.Model):
    class Presence(models.TextChoices):
        ONLINE = "online", "online"
        AWAY = "away", "away"
        OFFLINE = "offline", "offline"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="operator"
    )
    display_name = models.CharField(max_length=80)
    presence = models.CharField(max_length=8, choices=Presence.choices, default=Presence.OFFLINE)
    max_concurrent_chats = models.PositiveSmallIntegerField(default=4)

    def __str__(self) -> str:
        return self.display_name


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "open"
        PENDING = "pending", "waiting for the customer"
        RESOLVED = "resolved", "resolved"
        CLOSED = "closed", "closed"

    # Six digits a customer can read out on the phone ("123455"); random so that
    # numbers do not reveal volumes, unique by constraint (crm.services retries).
    number = models.CharField(max_length=6, unique=True)
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    context = models.JSONField(default=dict, blank=True, help_text="intent, entities, KB hit")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{6}$"), name="ticket_number_six_digits"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class Conversation(models.Model):
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="conversations"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.WEB)
    # Changed only through crm.services (conditional UPDATEs over crm.states).
    state = models.CharField(max_length=6, choices=State.choices, default=State.BOT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_conversations",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.IT)
    priority = models.SmallIntegerField(default=0, help_text="higher first (complaints)")
    handoff_reason = models.CharField(max_length=40, blank=True)
    handoff_context = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    csat_score = models.PositiveSmallIntegerField(null=True, blank=True)
    csat_comment = models.TextField(blank=True)
    # Opened from an e-mail link and the bot has not picked the request up yet: the first
    # customer socket to connect claims it (webchat.services.entry_opening_claim).
    entry_pending = models.BooleanField(default=False)
    # The last sequence number handed out; messages take last_seq + 1 under a row lock.
    last_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["state", "team"])]

    def __str__(self) -> str:
        return f"conversation {self.pk} ({self.channel}, {self.state})"


class Message(models.Model):
    class Sender(models.TextChoices):
        CUSTOMER = "customer", "customer"
        BOT = "bot", "bot"
        OPERATOR = "operator", "operator"
        SYSTEM = "system", "system"

    class Kind(models.TextChoices):
        TEXT = "text", "text"
        BUTTONS = "buttons", "quick replies"
        CATALOG = "catalog", "product cards / catalog"
        FORM = "form", "form"
        EVENT = "event", "system event"
        INTERNAL_NOTE = "internal_note", "internal note"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=8, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField(max_length=13, choices=Kind.choices, default=Kind.TEXT)
    text = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    client_msg_id = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="one_message_per_seq"),
            models.UniqueConstraint(
                fields=["conversation", "client_msg_id"],
                condition=Q(client_msg_id__isnull=False),
                name="client_msg_id_once_per_conversation",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.sender}: {self.text[:40]}"


class PhoneNote(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", "customer called"
        OUTBOUND = "out", "we called"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phone_notes")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.INBOUND)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"call {self.direction} {self.customer} {self.created_at:%Y-%m-%d}"
