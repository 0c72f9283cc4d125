from django.contrib import admin

from crm.models import (
    Conversation,
    Customer,
    Message,
    OperatorProfile,
    PhoneNote,
    Team,
    TeamMembership,
    Ticket,
)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "email", "phone", "city", "language", "verified")
    list_filter = ("language", "verified", "consent_marketing")
    search_fields = ("first_name", "last_name", "email", "phone")


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [TeamMembershipInline]


@admin.register(OperatorProfile)
class OperatorProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "presence", "max_concurrent_chats")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "subject", "status", "team", "customer", "created_at")
    list_filter = ("status", "team", "channel")
    search_fields = ("number", "subject", "customer__last_name", "customer__email")
    readonly_fields = ("number",)


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ("seq", "sender", "kind", "text", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # messages are stored by the services, with their sequence numbers


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("pk", "customer", "channel", "state", "owner", "team", "updated_at")
    list_filter = ("state", "channel", "team")
    # State and ownership change only through crm.services (the state machine).
    readonly_fields = ("state", "owner", "last_seq", "queued_at", "closed_at")
    inlines = [MessageInline]


@admin.register(PhoneNote)
class PhoneNoteAdmin(admin.ModelAdmin):
    list_display = ("customer", "direction", "operator", "created_at")
    search_fields = ("customer__last_name", "text")
